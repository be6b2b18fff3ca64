function twoSum(nums, target) {
	const seen = new Map();
	for (let i = 0; i < nums.length; i++) {
		if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
		seen.set(nums[i], i);
	}
	return null;
}
console.log(JSON.stringify(twoSum([2, 7, 11, 15], 9)), JSON.stringify(twoSum([1, 2], 10)));
