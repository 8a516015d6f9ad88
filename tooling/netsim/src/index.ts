// The deterministic network simulator: see README.md (being written).
export {};
