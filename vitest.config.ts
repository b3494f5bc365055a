import { defineConfig } from "vitest/config";

// Two cores: run test files in two forked workers. Database-backed tests each get a fresh database
// (see test/support/database.ts), so files never share state.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
