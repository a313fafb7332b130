// ImageUpdateAutomation against testenv's git server over HTTP with basic auth: the commit a new image becomes, its
// message and author, the status fields, no commit when nothing changes, markers and files that cannot be applied
// named, and pushes that the server refuses.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHttpServer, type GitHttpsServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createAutomation,
  createGitRepository,
  createSecret,
  eventsOf,
  type Harness,
  inClone,
  requestReconcile,
  setPolicy,
  startHarness,
  waitForAutomation,
} from './support/harness.ts';

const password = 'pushing-secret-4711';
let server: GitHttpServer;
let httpsServer: GitHttpsServer;
let harness: Harness;

beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'flux', password } });
  httpsServer = await startGitHttpServer({ auth: { username: 'flux', password }, tls: {} });
  harness = await startHarness();
  await createSecret(harness, 'git-auth', { username: 'flux', password });
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
  await httpsServer?.stop();
});

const deployment = (image: string) => `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ${image} # {"$imagepolicy": "NS:web"}
`;

describe('ImageUpdateAutomation over HTTP', () => {
  it('commits and pushes the new image with the templated message, and reports it in status', async () => {
    const ns = harness.namespace;
    server.repositories.create('config');
    const values = `image:\n  repository: ghcr.io/org/web\n  tag: "1.25.0" # {"$imagepolicy": "${ns}:web:tag"}\n  other: x # {"$imagepolicy": "${ns}:nope"}\n`;
    const broken = `image: ghcr.io/org/web:1.0 # {"$imagepolicy": "${ns}:web"}\n  - [\n`;
    const start = server.repositories.commit('config', {
      'apps/web.yaml': deployment('ghcr.io/org/web:1.25.0').replace('NS', ns),
      'apps/values.yaml': values,
      'apps/broken.yaml': broken,
      'elsewhere/web.yaml': deployment('ghcr.io/org/web:1.25.0').replace('NS', ns),
    });
    await createGitRepository(harness, 'config', { url: server.urlOf('config'), secretRef: { name: 'git-auth' } });
    await setPolicy(harness, 'web', { name: 'ghcr.io/org/web', tag: '1.26.0' });
    await createAutomation(harness, 'web', {
      sourceRef: { kind: 'GitRepository', name: 'config' },
      update: { strategy: 'Setters', path: './apps' },
      git: {
        commit: {
          author: { name: 'Fluxion Bot', email: 'bot@fluxion.invalid' },
          messageTemplate:
            '{{ .Values.env }}: {{ range .Changed.Changes }}{{ .OldValue }} -> {{ .NewValue }}; {{ end }}\n\nby {{ .AutomationObject }}',
          messageTemplateValues: { env: 'prod' },
        },
      },
    });

    const automation = await waitForAutomation(harness, 'web', (object) => Boolean(object.status?.lastPushCommit));
    const head = server.repositories.head('config');
    expect(head).not.toBe(start);
    expect(automation.status?.lastPushCommit).toBe(head);
    // Pushed to the branch it checked out: the source is at the pushed commit now.
    expect(automation.status?.observedSourceRevision).toBe(`main@sha1:${head}`);
    expect(automation.status?.observedPolicies).toEqual({ web: { name: 'ghcr.io/org/web', tag: '1.26.0' } });
    expect(automation.status?.lastPushTime).toBeDefined();
    expect(automation.status?.lastAutomationRunTime).toBeDefined();
    const ready = conditionOf(automation, 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'Succeeded' });
    // What could not be applied is named with file and line; the rest was still updated.
    expect(ready?.message).toContain(`apps/values.yaml:4: marker "${ns}:nope" names ImagePolicy ${ns}/nope`);
    expect(ready?.message).toMatch(/apps\/broken\.yaml:\d+: not valid YAML, left untouched/);

    inClone(server.repositories.pathOf('config'), 'main', (git, directory) => {
      expect(git(['log', '-1', '--format=%an <%ae>|%cn <%ce>'])).toBe(
        'Fluxion Bot <bot@fluxion.invalid>|Fluxion Bot <bot@fluxion.invalid>',
      );
      expect(git(['log', '-1', '--format=%B'])).toBe(
        `prod: 1.25.0 -> 1.26.0; ghcr.io/org/web:1.25.0 -> ghcr.io/org/web:1.26.0; \n\nby ${ns}/web`,
      );
      expect(
        git(['show', '--stat', '--format=', 'HEAD'])
          .split('\n')
          .map((line) => line.trim().split(' ')[0]),
      ).toEqual(['apps/values.yaml', 'apps/web.yaml', '2']);
      expect(git(['show', 'HEAD:apps/web.yaml'])).toBe(
        deployment('ghcr.io/org/web:1.26.0').replace('NS', ns).trimEnd(),
      );
      expect(git(['show', 'HEAD:apps/values.yaml'])).toBe(values.replace('"1.25.0"', '"1.26.0"').trimEnd());
      expect(git(['show', 'HEAD:apps/broken.yaml'])).toBe(broken.trimEnd());
      expect(git(['show', 'HEAD:elsewhere/web.yaml'])).toContain('ghcr.io/org/web:1.25.0');
      expect(directory).toBeTruthy();
    });
    const events = await eventsOf(harness, 'web');
    expect(events.map((event) => event.message)).toContainEqual(
      expect.stringContaining(`pushed commit '${head.slice(0, 7)}' to branch 'main'`),
    );
    expect(JSON.stringify({ automation, events, logs: harness.logs })).not.toContain(password);

    // Nothing to change: no commit, the same last push, and not even a clone (ls-remote only). The first request
    // lets runs queued by the objects' creation drain; the second is counted.
    await requestReconcile(harness, 'web');
    const uploadPack = (method: string) =>
      server.requests.filter((request) => request.path.includes('git-upload-pack') && request.method === method).length;
    const [listsBefore, fetchesBefore] = [uploadPack('GET'), uploadPack('POST')];
    const again = await requestReconcile(harness, 'web');
    // One GET of info/refs (the in-process ls-remote) and no POST to upload-pack, which a fetch would need.
    expect(uploadPack('GET')).toBe(listsBefore + 1);
    expect(uploadPack('POST')).toBe(fetchesBefore);
    expect(server.repositories.head('config')).toBe(head);
    expect(again.status?.lastPushCommit).toBe(head);
    expect(again.status?.observedSourceRevision).toBe(`main@sha1:${head}`);

    // The policy choosing another image is enough to start a run.
    await setPolicy(harness, 'web', { name: 'ghcr.io/org/web', tag: '1.27.0' });
    const next = await waitForAutomation(harness, 'web', (object) => object.status?.lastPushCommit !== head);
    expect(next.status?.lastPushCommit).toBe(server.repositories.head('config'));
    expect(next.status?.observedPolicies).toEqual({ web: { name: 'ghcr.io/org/web', tag: '1.27.0' } });
  });

  it('names a push the server refuses, and pushes nothing', async () => {
    const ns = harness.namespace;
    const bare = server.repositories.create('protected');
    const start = server.repositories.commit('protected', {
      'web.yaml': deployment('ghcr.io/org/web:1.0.0').replace('NS', ns),
    });
    // As a host with a protected branch answers: the hook's words come back to the pusher.
    writeFileSync(
      join(bare, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "You are not allowed to push code to protected branches on this project." >&2\nexit 1\n',
    );
    chmodSync(join(bare, 'hooks', 'pre-receive'), 0o755);
    await createGitRepository(harness, 'protected', {
      url: server.urlOf('protected'),
      secretRef: { name: 'git-auth' },
    });
    await setPolicy(harness, 'web', { name: 'ghcr.io/org/web', tag: '1.27.0' });
    await createAutomation(harness, 'protected', { sourceRef: { kind: 'GitRepository', name: 'protected' } });
    const automation = await waitForAutomation(
      harness,
      'protected',
      (object) => conditionOf(object, 'Ready')?.reason === 'AccessDenied',
    );
    const ready = conditionOf(automation, 'Ready');
    expect(ready?.reason).toBe('AccessDenied');
    expect(ready?.message).toContain(`${new URL(server.url).host} refused the push`);
    expect(ready?.message).toContain('You are not allowed to push code to protected branches');
    expect(automation.status?.lastPushCommit).toBeUndefined();
    expect(server.repositories.head('protected')).toBe(start);
  });

  it('names the host when the credentials are refused, without the password', async () => {
    server.repositories.create('wrong-auth');
    server.repositories.commit('wrong-auth', {
      'web.yaml': deployment('ghcr.io/org/web:1.0.0').replace('NS', harness.namespace),
    });
    await createSecret(harness, 'wrong-auth', { username: 'flux', password: 'not-the-password' });
    await createGitRepository(harness, 'wrong-auth', {
      url: server.urlOf('wrong-auth'),
      secretRef: { name: 'wrong-auth' },
    });
    await createAutomation(harness, 'wrong-auth', { sourceRef: { kind: 'GitRepository', name: 'wrong-auth' } });
    const automation = await waitForAutomation(
      harness,
      'wrong-auth',
      (object) => conditionOf(object, 'Ready')?.reason === 'AuthenticationFailed',
    );
    expect(conditionOf(automation, 'Ready')).toMatchObject({
      reason: 'AuthenticationFailed',
      message: expect.stringContaining(`authentication to ${new URL(server.url).host} failed`),
    });
    expect(JSON.stringify(automation)).not.toContain('not-the-password');
  });

  it('stalls on a commit template that cannot run, naming the line', async () => {
    server.repositories.create('bad-template');
    server.repositories.commit('bad-template', {
      'web.yaml': deployment('ghcr.io/org/web:1.0.0').replace('NS', harness.namespace),
    });
    await createGitRepository(harness, 'bad-template', {
      url: server.urlOf('bad-template'),
      secretRef: { name: 'git-auth' },
    });
    await createAutomation(harness, 'bad-template', {
      sourceRef: { kind: 'GitRepository', name: 'bad-template' },
      git: {
        commit: {
          author: { email: 'bot@fluxion.invalid' },
          messageTemplate: 'Update\n{{ range .Updated.Images }}{{ . }}{{ end }}',
        },
      },
    });
    const automation = await waitForAutomation(
      harness,
      'bad-template',
      (object) => conditionOf(object, 'Stalled')?.status === 'True',
    );
    expect(conditionOf(automation, 'Ready')?.message).toBe(
      "spec.git.commit.messageTemplate: line 2: can't evaluate field Updated in an object",
    );
  });

  it('pushes over HTTPS to a server signed by the private CA in ca.crt, and names the CA when it is missing', async () => {
    const ns = harness.namespace;
    httpsServer.repositories.create('tls');
    httpsServer.repositories.commit('tls', { 'web.yaml': deployment('ghcr.io/org/web:1.0.0').replace('NS', ns) });
    await createSecret(harness, 'https-auth', { username: 'flux', password, 'ca.crt': httpsServer.caCert });
    await createSecret(harness, 'https-no-ca', { username: 'flux', password });
    await createGitRepository(harness, 'tls', { url: httpsServer.urlOf('tls'), secretRef: { name: 'https-auth' } });
    await createGitRepository(harness, 'tls-no-ca', {
      url: httpsServer.urlOf('tls'),
      secretRef: { name: 'https-no-ca' },
    });
    await setPolicy(harness, 'web', { name: 'ghcr.io/org/web', tag: '1.28.0' });
    await createAutomation(harness, 'tls-no-ca', { sourceRef: { kind: 'GitRepository', name: 'tls-no-ca' } });
    const untrusted = await waitForAutomation(
      harness,
      'tls-no-ca',
      (object) => conditionOf(object, 'Ready')?.reason === 'AuthenticationFailed',
    );
    expect(conditionOf(untrusted, 'Ready')).toMatchObject({
      reason: 'AuthenticationFailed',
      message: expect.stringContaining('ca.crt'),
    });
    await createAutomation(harness, 'tls', { sourceRef: { kind: 'GitRepository', name: 'tls' } });
    const automation = await waitForAutomation(harness, 'tls', (object) => Boolean(object.status?.lastPushCommit));
    expect(automation.status?.lastPushCommit).toBe(httpsServer.repositories.head('tls'));
    inClone(httpsServer.repositories.pathOf('tls'), 'main', (git) => {
      expect(git(['show', 'HEAD:web.yaml'])).toContain('image: ghcr.io/org/web:1.28.0 #');
    });
  });
});
