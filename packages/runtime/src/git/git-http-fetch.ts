// A shallow fetch of one commit over smart HTTP(S) without git: one POST to git-upload-pack (protocol v0, `deepen 1`),
// the packfile read in memory, and the commit's tree written straight into a directory. For the plain case only:
// submodules, sparse checkout and signature verification need a repository and keep using git.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitCredentials, GitProxy, GitTlsMaterial } from './git-transport.ts';
import { authorizationFor, gitHttpRequest } from './git-http-request.ts';
import { GitRemoteError } from './git-http-ls-remote.ts';
import { encodePktLine, flushPkt, PktLineError, pktText } from './pkt-line.ts';
import { type GitObject, PackfileError, readPackfile } from './packfile.ts';

export interface FetchTreeOptions {
  credentials?: GitCredentials;
  tls?: GitTlsMaterial;
  proxy?: GitProxy;
  deadline: number;
  /** Cap on the packfile; 512 MiB by default. */
  maxBytes?: number;
  environment?: NodeJS.ProcessEnv;
}

export interface FetchedCommit {
  commit: string;
  /** The first line of the commit message. */
  subject: string;
  /** Files written (symbolic links included). */
  files: number;
}

/** Whether a server that advertised `capabilities` can serve this fetch (a shallow fetch needs `shallow`). */
export function canFetchTreeInProcess(capabilities: readonly string[]): boolean {
  return capabilities.includes('shallow') && !capabilities.some((capability) => capability === 'object-format=sha256');
}

/**
 * Fetches `tip` (an id the server advertised: a commit, or an annotated tag, peeled here to its commit) from the
 * repository at `url` (after redirects, as listRemoteRefs returned it) and writes the commit's tree into `directory`.
 * Errors: GitHttpError, GitRemoteError (the answer).
 */
export async function fetchTreeInProcess(
  url: string,
  tip: string,
  directory: string,
  options: FetchTreeOptions,
): Promise<FetchedCommit> {
  const base = url.replace(/\/+$/, '');
  const host = new URL(base).host;
  const body = Buffer.concat([
    encodePktLine(`want ${tip} ofs-delta no-progress agent=git/2.0-fluxion\n`),
    encodePktLine('deepen 1\n'),
    flushPkt,
    encodePktLine('done\n'),
  ]);
  const response = await gitHttpRequest(new URL(`${base}/git-upload-pack`), {
    body,
    headers: {
      'User-Agent': 'git/2.0 (fluxion)',
      'Content-Type': 'application/x-git-upload-pack-request',
      Accept: 'application/x-git-upload-pack-result',
    },
    ...authorizationFor(options.credentials),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    deadline: options.deadline,
    maxBytes: options.maxBytes ?? 512 * 1024 * 1024,
    ...(options.environment ? { environment: options.environment } : {}),
  });
  if (response.status === 401 || response.status === 403)
    throw new GitRemoteError(
      'authentication',
      host,
      `authentication failed for ${host}: HTTP ${response.status}`,
      response.status,
    );
  if (response.status < 200 || response.status >= 300)
    throw new GitRemoteError('status', host, `${host} answered HTTP ${response.status} to the fetch`, response.status);
  let objects: Map<string, GitObject>;
  try {
    objects = readPackfile(packOf(response.body));
  } catch (error) {
    if (error instanceof PackfileError || error instanceof PktLineError)
      throw new GitRemoteError('protocol', host, `${host} sent an unreadable pack: ${error.message}`);
    throw error;
  }
  let commit = tip;
  let object = objects.get(commit);
  // An annotated tag (possibly of a tag) names the object it tags on its first line.
  for (let depth = 0; object?.type === 'tag' && depth < 10; depth++) {
    commit = /^object ([0-9a-f]{40})$/m.exec(object.data.toString('utf8'))?.[1] ?? '';
    object = objects.get(commit);
  }
  if (object?.type !== 'commit')
    throw new GitRemoteError('protocol', host, `${host} sent a pack without commit ${tip}`);
  const text = object.data.toString('utf8');
  const tree = /^tree ([0-9a-f]{40})$/m.exec(text)?.[1];
  if (!tree) throw new GitRemoteError('protocol', host, `commit ${commit} from ${host} names no tree`);
  const message = text.slice(text.indexOf('\n\n') + 2);
  const written = { files: 0 };
  await mkdir(directory, { recursive: true });
  await writeTree(objects, tree, directory, '', written, host);
  return { commit, subject: message.split('\n')[0]!.trim(), files: written.files };
}

// The answer: a shallow-update section (flush-terminated), one NAK (or ACK) line, then the raw pack.
function packOf(answer: Buffer): Buffer {
  let position = 0;
  let sawFlush = false;
  while (position + 4 <= answer.length) {
    if (answer.toString('latin1', position, position + 4) === 'PACK') return answer.subarray(position);
    const length = Number.parseInt(answer.toString('latin1', position, position + 4), 16);
    if (Number.isNaN(length)) throw new PktLineError(`unexpected bytes at ${position} of the fetch answer`);
    if (length === 0) {
      sawFlush = true;
      position += 4;
      continue;
    }
    const line = pktText(answer.subarray(position + 4, position + length));
    if (line.startsWith('ERR ')) throw new PktLineError(`the server said: ${line.slice(4)}`);
    position += length;
  }
  throw new PktLineError(`no pack in the fetch answer${sawFlush ? '' : ' (no shallow section either)'}`);
}

async function writeTree(
  objects: Map<string, GitObject>,
  treeId: string,
  directory: string,
  path: string,
  written: { files: number },
  host: string,
): Promise<void> {
  const tree = objects.get(treeId);
  if (tree?.type !== 'tree')
    throw new GitRemoteError('protocol', host, `tree ${treeId} is missing from the pack of ${host}`);
  const data = tree.data;
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const nul = data.indexOf(0, space);
    const mode = data.toString('latin1', position, space);
    const name = data.toString('utf8', space + 1, nul);
    const id = data.toString('hex', nul + 1, nul + 21);
    position = nul + 21;
    // git itself refuses such names; here they could also leave the directory.
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.toLowerCase() === '.git')
      throw new GitRemoteError('protocol', host, `tree of ${host} holds an unsafe name '${path}${name}'`);
    const target = join(directory, name);
    if (mode === '40000') {
      await mkdir(target);
      await writeTree(objects, id, target, `${path}${name}/`, written, host);
      continue;
    }
    // A submodule (gitlink) is an empty directory, as git leaves it without --recurse-submodules.
    if (mode === '160000') {
      await mkdir(target);
      continue;
    }
    const blob = objects.get(id);
    if (blob?.type !== 'blob')
      throw new GitRemoteError('protocol', host, `blob ${id} of '${path}${name}' is missing from the pack of ${host}`);
    if (mode === '120000') await symlink(blob.data.toString('utf8'), target);
    else await writeFile(target, blob.data, { mode: mode === '100755' ? 0o755 : 0o644 });
    written.files++;
  }
}
