const cfg = { a: { b: 0, c: null } };
console.log(cfg.a.b ?? "dflt", cfg.a.c ?? "dflt", cfg.x?.y ?? "deep dflt", (null ?? 0) || "or");
