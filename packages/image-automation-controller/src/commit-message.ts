// The commit message: Flux's fixed line, or `spec.git.commit.messageTemplate` rendered as a Go text/template with
// Flux's template data (.AutomationObject, .Changed with FileChanges, Objects and Changes, .Values).
import { renderGoTemplate } from './go-template/exec.ts';
import type { UpdateResult } from './update-files.ts';

export const defaultCommitMessage = 'Update from image update automation';

export interface CommitTemplateInput {
  namespace: string;
  name: string;
  template?: string | undefined;
  values?: Record<string, string> | undefined;
  result: UpdateResult;
}

export function commitMessage(input: CommitTemplateInput): string {
  if (input.template === undefined || input.template === '') return defaultCommitMessage;
  const data = {
    // types.NamespacedName: prints as namespace/name
    AutomationObject: {
      Name: input.name,
      Namespace: input.namespace,
      String: () => `${input.namespace}/${input.name}`,
    },
    Changed: input.result,
    Values: new Map(Object.entries(input.values ?? {})),
  };
  return renderGoTemplate(input.template, data);
}
