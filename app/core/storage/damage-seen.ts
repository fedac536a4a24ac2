/**
 * Whether SQLite met a damaged page in any of this process's files while they were in use.
 * Set where such errors are put in words (storage-errors.ts), read where a file is closed
 * (sqlite-file.ts): after it, no file is vouched for as closed cleanly, so the next start
 * checks each one and keeps a damaged one aside.
 */
let seen = false;

export function noteDamageSeen(): void {
  seen = true;
}

export function damageWasSeen(): boolean {
  return seen;
}
