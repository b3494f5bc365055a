/**
 * Read-only views of the register and catalogue for the API and CLI (which do not reach the store
 * themselves). Everything here is public information in a credit bank.
 */
export type { Db } from "../store/catalogue-repo.ts";
export {
  loadCreditSystems as listCreditSystems,
  loadFrameworks,
  loadProviders as listProviders,
  loadSkillFramework as getSkillFramework,
} from "../store/catalogue-repo.ts";
export { DatabaseBusyError } from "../store/database.ts";
export {
  findQualification,
  getQualification,
  listQualifications,
  listRegisterEvents,
  listUnits,
} from "../store/units-repo.ts";
