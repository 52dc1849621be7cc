import type { Migration } from 'kysely';
import * as m001 from './001_initial.js';
import * as m002 from './002_changes_target_index.js';
import * as m003 from './003_conflict_horizon.js';
import * as m004 from './004_icalendar.js';
import * as m005 from './005_app_passwords.js';
import * as m006 from './006_harden_input.js';
import * as m007 from './007_dav_files.js';

/** Every migration in order; listed statically so the same code runs from source and from the build. */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_changes_target_index': m002,
  '003_conflict_horizon': m003,
  '004_icalendar': m004,
  '005_app_passwords': m005,
  '006_harden_input': m006,
  '007_dav_files': m007,
};
