// What the bundle step builds: one ESM file per program a package ships, `packages/<pkg>/dist/<name>.mjs`. The one
// list to change when a package gains or loses a program (helm-controller's post-renderer plugin runs its own).
export interface BundleEntry {
  /** the package folder under packages/ */
  readonly pkg: string;
  /** the output's name: dist/<name>.mjs */
  readonly name: string;
  /** the file it starts from, relative to the package (a bin runs the same module the repository's bin runs) */
  readonly from: string;
  /** the oldest Node it must run on (syntax newer than that is lowered): 24 unless said */
  readonly node?: number;
  /** shipped files (see shippedFiles) that start this program by its source path: their shipped copies start the bundle */
  readonly calledFrom?: readonly string[];
}

export const bundleEntries: readonly BundleEntry[] = [
  { pkg: 'source-controller', name: 'source-controller', from: 'bin/source-controller' },
  { pkg: 'kustomize-controller', name: 'kustomize-controller', from: 'bin/kustomize-controller' },
  { pkg: 'helm-controller', name: 'helm-controller', from: 'bin/helm-controller' },
  // helm runs it through the plugin in helm-plugins/ (the image's copy of the plugin points at this bundle)
  {
    pkg: 'helm-controller',
    name: 'post-renderer-main',
    from: 'src/post-renderer-main.ts',
    calledFrom: ['helm-plugins/fluxion-post-renderer/post-render'],
  },
  { pkg: 'notification-controller', name: 'notification-controller', from: 'bin/notification-controller' },
  { pkg: 'image-reflector-controller', name: 'image-reflector-controller', from: 'bin/image-reflector-controller' },
  { pkg: 'image-automation-controller', name: 'image-automation-controller', from: 'bin/image-automation-controller' },
  // the CLI's npm package runs on any Node from 20 (its bin says so on an older one)
  { pkg: 'cli', name: 'fluxion', from: 'src/main.ts', node: 20 },
];

/** Files a package's programs need beside their bundles at run time (relative to the package), shipped with them. */
export const shippedFiles: Readonly<Record<string, readonly string[]>> = {
  // the post-renderer plugin helm runs (the controller finds it at ../helm-plugins from its bundle)
  'helm-controller': ['helm-plugins'],
};

/** Libraries kept out of every bundle and shipped beside it as their own files, with the files of each that Node loads.
 * openpgp is LGPL-3.0: what we ship must let its user replace the library, which a copy inside our bundle would not. */
export const separateLibraries: Readonly<Record<string, readonly string[]>> = {
  openpgp: ['package.json', 'LICENSE', 'dist/node/openpgp.mjs'],
};
