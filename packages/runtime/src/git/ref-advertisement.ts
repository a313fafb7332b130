// Reads what a git server answers to `GET info/refs?service=git-upload-pack`: the smart (v0/v1) ref advertisement in
// pkt-lines, or a dumb server's plain `<oid>\t<ref>` list; annotated tags come with their peeled commit.
import { parsePktLines, pktText, PktLineError } from './pkt-line.ts';

export interface GitRemoteRef {
  name: string;
  /** What the ref points to: a commit, or for an annotated tag the tag object. */
  oid: string;
  /** For an annotated tag, the commit it peels to (`<name>^{}` in the advertisement). */
  peeled?: string;
}

export interface GitRefAdvertisement {
  /** In the server's order; HEAD first when the server advertises it. */
  refs: GitRemoteRef[];
  /** `symref=` capabilities, e.g. HEAD → refs/heads/main. */
  symrefs: Map<string, string>;
  capabilities: string[];
}

export class RefAdvertisementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefAdvertisementError';
  }
}

const objectId = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Parses a smart advertisement (`application/x-git-upload-pack-advertisement`). */
export function parseSmartAdvertisement(body: Buffer): GitRefAdvertisement {
  let packets;
  try {
    packets = parsePktLines(body);
  } catch (error) {
    throw new RefAdvertisementError(`malformed ref advertisement: ${(error as PktLineError).message}`);
  }
  let index = 0;
  // The smart HTTP answer starts with "# service=git-upload-pack" and a flush; git tolerates its absence.
  const first = packets[0];
  if (first?.type === 'data' && pktText(first.payload).startsWith('# service=')) {
    index = 1;
    if (packets[index]?.type === 'flush') index++;
  }
  const advertisement: GitRefAdvertisement = { refs: [], symrefs: new Map(), capabilities: [] };
  const byName = new Map<string, GitRemoteRef>();
  let firstRef = true;
  for (; index < packets.length; index++) {
    const packet = packets[index]!;
    if (packet.type === 'flush') break;
    if (packet.type !== 'data')
      throw new RefAdvertisementError(`unexpected ${packet.type} packet in ref advertisement`);
    let line = pktText(packet.payload);
    if (firstRef) {
      firstRef = false;
      if (line === 'version 1') {
        firstRef = true;
        continue;
      }
      if (line.startsWith('version 2'))
        throw new RefAdvertisementError('the server answered with protocol v2, which was not asked for');
      const nul = line.indexOf('\0');
      if (nul >= 0) {
        advertisement.capabilities = line
          .slice(nul + 1)
          .split(' ')
          .filter((capability) => capability !== '');
        line = line.slice(0, nul);
      }
    }
    addRef(advertisement, byName, line, ' ');
  }
  for (const capability of advertisement.capabilities) {
    const match = /^symref=([^:]+):(.+)$/.exec(capability);
    if (match) advertisement.symrefs.set(match[1]!, match[2]!);
  }
  return advertisement;
}

/** Parses a dumb server's `info/refs`: one `<oid>\t<name>` per line. */
export function parseDumbRefs(body: Buffer): GitRefAdvertisement {
  const advertisement: GitRefAdvertisement = { refs: [], symrefs: new Map(), capabilities: [] };
  const byName = new Map<string, GitRemoteRef>();
  for (const line of body.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    addRef(advertisement, byName, line.replace(/\r$/, ''), '\t');
  }
  return advertisement;
}

function addRef(
  advertisement: GitRefAdvertisement,
  byName: Map<string, GitRemoteRef>,
  line: string,
  separator: string,
): void {
  const split = line.indexOf(separator);
  const oid = split < 0 ? '' : line.slice(0, split);
  const name = split < 0 ? '' : line.slice(split + 1);
  if (!objectId.test(oid) || name === '')
    throw new RefAdvertisementError(`malformed ref line '${line.slice(0, 120)}' in ref advertisement`);
  // An empty repository advertises only its capabilities, on a zero id named "capabilities^{}".
  if (name === 'capabilities^{}') return;
  if (name.endsWith('^{}')) {
    const tag = byName.get(name.slice(0, -3));
    if (tag) tag.peeled = oid;
    return;
  }
  const ref: GitRemoteRef = { name, oid };
  byName.set(name, ref);
  advertisement.refs.push(ref);
}

/** Ref name → the commit it ends on (annotated tags peeled), as `git ls-remote` lists it. */
export function peeledRefMap(advertisement: GitRefAdvertisement): Map<string, string> {
  return new Map(advertisement.refs.map((ref) => [ref.name, ref.peeled ?? ref.oid]));
}
