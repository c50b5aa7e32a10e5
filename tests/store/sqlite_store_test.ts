/**
 * The store contract (tests/store/contract/) on SQLite.
 *
 * @module
 */

import { sqliteBackend } from "./store_backends.ts";
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

historyContract(sqliteBackend);
dataContract(sqliteBackend);
cleanupContract(sqliteBackend);
calibrationContract(sqliteBackend);
userDataContract(sqliteBackend);
memoryContract(sqliteBackend);
turnsContract(sqliteBackend);
imagesContract(sqliteBackend);
rateLimitContract(sqliteBackend);
textContract(sqliteBackend);
