import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitMessage, defaultCommitMessage } from './commit-message.ts';
import { renderGoTemplate } from './go-template/exec.ts';
import { TemplateError } from './go-template/lexer.ts';
import type { ObjectIdentifier, SetterChange } from './setters.ts';
import type { UpdateResult } from './update-files.ts';

const web: ObjectIdentifier = { Name: 'web', Namespace: 'apps', APIVersion: 'apps/v1', Kind: 'Deployment' };
const api: ObjectIdentifier = { Name: 'api', Namespace: 'apps', APIVersion: 'apps/v1', Kind: 'Deployment' };
const webChange: SetterChange = { OldValue: 'reg/web:1.25.0', NewValue: 'reg/web:1.26.0', Setter: 'apps:web' };
const apiChange: SetterChange = { OldValue: '2.0.0', NewValue: '2.1.0', Setter: 'apps:api:tag' };
const result: UpdateResult = {
  FileChanges: new Map([
    ['web.yaml', new Map([[web, [webChange]]])],
    ['api.yaml', new Map([[api, [apiChange]]])],
  ]),
  Changes: [apiChange, webChange],
  Objects: new Map([
    [web, [webChange]],
    [api, [apiChange]],
  ]),
};
const render = (template: string, values?: Record<string, string>) =>
  commitMessage({ namespace: 'apps', name: 'auto', template, values, result });

describe('commitMessage', () => {
  it("is Flux's fixed line without a template", () => {
    expect(commitMessage({ namespace: 'apps', name: 'auto', result })).toBe(defaultCommitMessage);
  });

  it("renders the example of Flux's documentation: files and objects in key order, `-}}` eating every blank after it", () => {
    const template = `Automated image update

Automation name: {{ .AutomationObject }}

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}

Objects:
{{ range $resource, $changes := .Changed.Objects -}}
- {{ $resource.Kind | lower }} {{ $resource.Name }}
  Changes:
{{- range $_, $change := $changes }}
    - {{ $change.OldValue }} -> {{ $change.NewValue }}
{{ end -}}
{{ end -}}`;
    expect(render(template)).toBe(`Automated image update

Automation name: apps/auto

Files:
- api.yaml
- web.yaml
Objects:
- deployment api
  Changes:
    - 2.0.0 -> 2.1.0
- deployment web
  Changes:
    - reg/web:1.25.0 -> reg/web:1.26.0
`);
  });

  it('gives .Values, if/else if/else, with, variables, printf and the Gitea example', () => {
    expect(render('{{ .Values.cluster }}: {{ len .Changed.Changes }} change(s)', { cluster: 'prod' })).toBe(
      'prod: 2 change(s)',
    );
    expect(render('{{range .Changed.Changes}}{{print .OldValue}} -> {{println .NewValue}}{{end}}')).toBe(
      '2.0.0 -> 2.1.0\nreg/web:1.25.0 -> reg/web:1.26.0\n',
    );
    expect(
      render(
        '{{ range .Changed.Changes }}{{ if contains "web" .NewValue }}web{{ else if eq .Setter "apps:api:tag" }}api{{ else }}?{{ end }};{{ end }}',
      ),
    ).toBe('api;web;');
    expect(
      render('{{ with .Values.missing }}yes{{ else }}none{{ end }} {{ with .AutomationObject }}{{ .Name }}{{ end }}'),
    ).toBe('none auto');
    expect(
      render(
        '{{ $n := 0 }}{{ range .Changed.Changes }}{{ $n = printf "%s+" $n }}{{ end }}{{ $n }} {{ printf "%-5s|%03d|%q" "ab" 7 "x" }}',
      ),
    ).toBe('0++ ab   |007|"x"');
    expect(
      render('{{ range $i, $c := .Changed.Changes }}{{ if $i }}, {{ end }}{{ $c.Setter | upper | trunc 6 }}{{ end }}'),
    ).toBe('APPS:A, APPS:W');
    expect(render('{{ (index .Changed.Changes 1).NewValue }} {{ and 1 "" }}|{{ or "" "x" }} {{ not true }}')).toBe(
      'reg/web:1.26.0 |x false',
    );
    expect(
      render('{{ range 3 }}{{ if eq . 1 }}{{ continue }}{{ end }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}'),
    ).toBe('0');
    expect(render('{{/* a comment */}}{{ range .Values.none }}x{{ else }}empty{{ end }}')).toBe('empty');
  });

  it("computes the Gerrit Change-Id of Flux's example with toString, printf, sha256sum and trunc", () => {
    const message = render(`{{- $ChangeId := .AutomationObject -}}
{{- $ChangeId = printf "%s%s" $ChangeId ( .Changed.Changes | toString ) -}}
Change-Id: {{ printf "I%s" ( sha256sum $ChangeId | trunc 40 ) }}`);
    const expected = createHash('sha256')
      .update('apps/auto[{2.0.0 2.1.0 apps:api:tag} {reg/web:1.25.0 reg/web:1.26.0 apps:web}]')
      .digest('hex')
      .slice(0, 40);
    expect(message).toBe(`Change-Id: I${expected}`);
  });

  it("names the line of a template error: an unknown field (Flux's removed .Updated), function or a missing end", () => {
    expect(() => render('ok\n{{ .Updated.Images }}')).toThrow(/line 2: can't evaluate field Updated/);
    expect(() => render('{{ nosuch . }}')).toThrow(TemplateError);
    expect(() => render('{{ nosuch . }}')).toThrow(/function "nosuch" not defined/);
    expect(() => render('{{ if true }}x')).toThrow(/has no \{\{end\}\}/);
    expect(() => render('{{ end }}')).toThrow(/unexpected \{\{end\}\}/);
    expect(() => render('{{ .Values')).toThrow(/unclosed action/);
  });

  it('keeps map-like output Go-shaped and stops a runaway template', () => {
    expect(
      renderGoTemplate(
        '{{ . }}',
        new Map<string, unknown>([
          ['b', 1],
          ['a', 'x'],
        ]),
      ),
    ).toBe('map[a:x b:1]');
    expect(renderGoTemplate('{{ .missing }}', new Map())).toBe('<no value>');
    expect(() => renderGoTemplate('{{ range 100000 }}{{ range 100 }}x{{ end }}{{ end }}', {})).toThrow(TemplateError);
  });
});
