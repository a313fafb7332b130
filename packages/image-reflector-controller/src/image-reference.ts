// spec.image made canonical as Flux reports it: `alpine` → `index.docker.io/library/alpine`, host and path split.
import { ImageReason } from '@fluxion/api';
import { ImageError } from './image-error.ts';

export interface ImageReference {
  /** `<registry>/<repository>`, as status.canonicalImageName shows it. */
  canonicalName: string;
  /** The registry as named in the image (`index.docker.io` for Docker Hub), for credentials lookup. */
  registry: string;
  /** Where the registry API answers: Docker Hub serves it from registry-1.docker.io. */
  apiHost: string;
  /** The repository path inside the registry, such as `library/alpine`. */
  repository: string;
}

const dockerHub = 'index.docker.io';
const dockerHubApi = 'registry-1.docker.io';
// One path component: lowercase alphanumerics joined by '.', '_', '__' or runs of '-'.
const componentPattern = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const hostPattern =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

export function parseImageReference(image: string): ImageReference {
  const invalid = (detail: string): ImageError =>
    new ImageError(ImageReason.ImageURLInvalid, `spec.image '${image}' ${detail}`, { stalled: true });
  const text = image.trim();
  if (text === '') throw invalid('is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) throw invalid(`must not start with a URL scheme: remove '${scheme[1]}://'`);
  if (text.includes('@')) throw invalid('must not contain a digest: name the repository only');

  const slash = text.indexOf('/');
  const first = slash === -1 ? '' : text.slice(0, slash);
  const hasHost =
    slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  let registry = hasHost ? first : dockerHub;
  let path = hasHost ? text.slice(slash + 1) : text;

  const lastComponent = path.slice(path.lastIndexOf('/') + 1);
  if (lastComponent.includes(':'))
    throw invalid(
      `must not contain a tag ('${lastComponent.slice(lastComponent.indexOf(':'))}'): name the repository only`,
    );
  if (hasHost && !hostPattern.test(registry)) throw invalid(`has an invalid registry host '${registry}'`);
  if (registry === 'docker.io') registry = dockerHub;
  if (registry === dockerHub && !path.includes('/')) path = `library/${path}`;
  for (const component of path.split('/')) {
    if (!componentPattern.test(component)) {
      throw invalid(`has an invalid path component '${component}': use lowercase letters, digits and . _ - separators`);
    }
  }
  return {
    canonicalName: `${registry}/${path}`,
    registry,
    apiHost: registry === dockerHub ? dockerHubApi : registry,
    repository: path,
  };
}
