// outside the subset: async arrow functions
const f = async () => 1;
