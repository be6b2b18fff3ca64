// outside the subset: Proxy
const p = new Proxy({}, {});
