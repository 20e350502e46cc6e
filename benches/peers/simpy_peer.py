#!/usr/bin/env python3
"""SimPy peer benchmark for Procmap.

Simulates two models with plain, idiomatic SimPy (simpy.Resource per owner,
one env.process per case, env.timeout for work) and prints one JSON line per
model.  Time unit: hours.

    python3 benches/peers/simpy_peer.py [--cases N] [--model mm1|o2c|both] [--seed S]
                                        [--sales-capacity C] [--warehouse-capacity C]
"""
import argparse
import json
import random
import time

import simpy

MIN = 1.0 / 60.0  # one minute in hours


def run_mm1(n_cases, seed):
    """M/M/1: interarrival Exp(mean 75m), one server, service Exp(mean 60m)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = {"busy": 0.0, "cycle_sum": 0.0, "done": 0}

    def case(env):
        arrival = env.now
        with server.request() as req:
            yield req
            work = rng.expovariate(1.0 / (60 * MIN))
            yield env.timeout(work)
            stats["busy"] += work
        stats["cycle_sum"] += env.now - arrival
        stats["done"] += 1

    def source(env):
        for _ in range(n_cases):
            env.process(case(env))
            yield env.timeout(rng.expovariate(1.0 / (75 * MIN)))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()  # runs until every case has finished
    wall = time.perf_counter() - t0

    assert stats["done"] == n_cases
    elapsed = env.now
    return {
        "model": "mm1",
        "cases": n_cases,
        "wall_seconds": round(wall, 3),
        "cases_per_second": round(n_cases / wall, 1),
        "cycle_mean_hours": round(stats["cycle_sum"] / n_cases, 4),
        "util": {"server": round(stats["busy"] / (1 * elapsed), 4)},
        "capacity": {"server": 1},
        "sim_hours": round(elapsed, 1),
        "seed": seed,
    }


def run_o2c(n_cases, seed, sales_cap, warehouse_cap):
    """Order to cash: check (sales) -> 80% accept -> AND(ship | invoice) -> end."""
    rng = random.Random(seed)
    env = simpy.Environment()
    owners = {
        "sales": simpy.Resource(env, capacity=sales_cap),
        "warehouse": simpy.Resource(env, capacity=warehouse_cap),
    }
    busy = {"sales": 0.0, "warehouse": 0.0}
    stats = {"cycle_sum": 0.0, "done": 0, "rejected": 0}

    def step(env, owner, work):
        with owners[owner].request() as req:
            yield req
            yield env.timeout(work)
            busy[owner] += work

    def case(env):
        arrival = env.now
        # check: Triangular(5m, mode 10m, 30m)  (random.triangular(low, high, mode))
        yield env.process(step(env, "sales", rng.triangular(5 * MIN, 30 * MIN, 10 * MIN)))
        if rng.random() < 0.8:
            ship = env.process(step(env, "warehouse", rng.expovariate(1.0 / (40 * MIN))))
            invoice = env.process(step(env, "sales", 5 * MIN))
            yield simpy.AllOf(env, [ship, invoice])  # join
        else:
            stats["rejected"] += 1
        stats["cycle_sum"] += env.now - arrival
        stats["done"] += 1

    def source(env):
        for _ in range(n_cases):
            env.process(case(env))
            yield env.timeout(rng.expovariate(1.0 / (6 * MIN)))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    wall = time.perf_counter() - t0

    assert stats["done"] == n_cases
    elapsed = env.now
    caps = {"sales": sales_cap, "warehouse": warehouse_cap}
    return {
        "model": "o2c",
        "cases": n_cases,
        "wall_seconds": round(wall, 3),
        "cases_per_second": round(n_cases / wall, 1),
        "cycle_mean_hours": round(stats["cycle_sum"] / n_cases, 4),
        "util": {o: round(busy[o] / (caps[o] * elapsed), 4) for o in caps},
        "capacity": caps,
        "rejected": stats["rejected"],
        "sim_hours": round(elapsed, 1),
        "seed": seed,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--model", choices=["mm1", "o2c", "both"], default="both")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--sales-capacity", type=int, default=4)
    ap.add_argument("--warehouse-capacity", type=int, default=6)
    args = ap.parse_args()

    if args.model in ("mm1", "both"):
        print(json.dumps(run_mm1(args.cases, args.seed)), flush=True)
    if args.model in ("o2c", "both"):
        print(json.dumps(run_o2c(args.cases, args.seed,
                                 args.sales_capacity, args.warehouse_capacity)), flush=True)


if __name__ == "__main__":
    main()
