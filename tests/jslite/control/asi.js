let a = 1
let b = 2
const c = a
+ b
console.log(c)
function f() {
	return
	42
}
console.log(f())
