// outside the subset: await
const v = await 5;
