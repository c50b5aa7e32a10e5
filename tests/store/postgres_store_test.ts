/**
 * The store contract (tests/store/contract/) on PostgreSQL at
 * `TEST_DATABASE_URL`, each test in a schema of its own; ignored after one
 * line `skipped: PostgreSQL (…)` when no server answers.
 *
 * @module
 */

import { postgresBackend } from "./store_backends.ts";
import { historyContract } from "./contract/history_contract.ts";
import { calibrationContract } from "./contract/calibration_contract.ts";
import { cleanupContract } from "./contract/cleanup_contract.ts";
import { dataContract } from "./contract/data_contract.ts";
import { userDataContract } from "./contract/user_data_contract.ts";
import { memoryContract } from "./contract/memory_contract.ts";
import { turnsContract } from "./contract/turns_contract.ts";
import { imagesContract } from "./contract/images_contract.ts";
import { rateLimitContract } from "./contract/rate_limit_contract.ts";
import { textContract } from "./contract/text_contract.ts";

const backend = await postgresBackend();
historyContract(backend);
dataContract(backend);
cleanupContract(backend);
calibrationContract(backend);
userDataContract(backend);
memoryContract(backend);
turnsContract(backend);
imagesContract(backend);
rateLimitContract(backend);
textContract(backend);
