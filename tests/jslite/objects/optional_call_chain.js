const api = { user: { getName: () => "ann" } };
console.log(api.user?.getName?.(), api.admin?.getName?.(), api?.user.getName());
