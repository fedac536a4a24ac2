/** What the build writes to out/cli/inputs.json. */
export interface CliBundleInputs {
  /** The entry, relative to the bundle's folder. */
  entry: string;
  /** Absolute path, size in bytes and modification time in ms of each file the bundle was built from. */
  inputs: Array<[path: string, size: number, mtimeMs: number]>;
}

export declare const INPUTS_FILE: string;

export declare function upToDateBundle(folder: URL): string | undefined;
