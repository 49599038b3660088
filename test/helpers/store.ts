// Shared set-up for the store tests: a dynalite with the tables the stack defines, and the store over it,
// for the length of a test file.
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../lambda/config';
import type { Store } from '../../lambda/core/records';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createStore } from '../../lambda/store/dynamo';

export interface StoreUnderTest {
  /** All are set once the file's beforeAll has run; read them inside tests, not at module level. */
  dynamo: LocalDynamo;
  config: Config;
  store: Store;
}

/** Starts dynalite before the file's tests, creates the tables, builds the store, and stops dynalite after. */
export function useStore(): StoreUnderTest {
  const db = {} as StoreUnderTest;
  beforeAll(async () => {
    db.dynamo = await startDynalite();
    db.config = loadConfig({ OP_DYNAMODB_ENDPOINT: db.dynamo.endpoint });
    await ensureTables(db.config);
    db.store = createStore(db.config);
  });
  afterAll(async () => {
    await db.dynamo?.close();
  });
  return db;
}
