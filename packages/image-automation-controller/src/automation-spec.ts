// Checks an ImageUpdateAutomation's spec against its GitRepository before any git runs: the checkout ref, the
// branch to push, a refspec git will not force or delete with, the commit author.
import type { GitRepository, ImageUpdateAutomation } from '@fluxion/api';
import type { CheckoutRef } from './automation-git.ts';

export class AutomationSpecError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'AutomationSpecError';
    this.reason = reason;
  }
}

export interface AutomationPlan {
  checkout: CheckoutRef;
  pushBranch: string;
  pushRefspec?: string | undefined;
  pushOptions?: Record<string, string> | undefined;
  author: { name: string; email: string };
  messageTemplate?: string | undefined;
  messageTemplateValues?: Record<string, string> | undefined;
  updatePath?: string | undefined;
  signingKeySecret?: string | undefined;
}

export function planAutomation(automation: ImageUpdateAutomation, source: GitRepository): AutomationPlan {
  const git = automation.spec?.git;
  if (!git?.commit?.author?.email) {
    throw new AutomationSpecError(
      'InvalidSourceConfiguration',
      'spec.git.commit.author.email is required: the automation cannot commit without an author',
    );
  }
  if (automation.spec?.update?.strategy && automation.spec.update.strategy !== 'Setters') {
    throw new AutomationSpecError(
      'InvalidUpdateStrategy',
      `spec.update.strategy '${String(automation.spec.update.strategy)}' is not supported (only Setters)`,
    );
  }
  const provider = source.spec?.provider;
  if (provider && provider !== 'generic') {
    throw new AutomationSpecError(
      'InvalidSourceConfiguration',
      `GitRepository ${source.metadata?.namespace}/${source.metadata?.name} uses spec.provider '${provider}': cloud identities are not supported yet, use a Secret in spec.secretRef`,
    );
  }
  const ref = git.checkout?.ref ?? source.spec?.ref ?? { branch: 'master' };
  const checkout: CheckoutRef = {
    branch: ref.branch,
    tag: ref.tag,
    semver: ref.semver,
    name: ref.name,
    commit: ref.commit,
  };
  const checkoutBranch = ref.commit || ref.name || ref.tag || ref.semver ? ref.branch : (ref.branch ?? 'master');
  const pushBranch = git.push?.branch || checkoutBranch;
  if (!pushBranch) {
    throw new AutomationSpecError(
      'InvalidSourceConfiguration',
      'no branch to push to: set spec.git.push.branch when the checkout ref is a tag, a commit or a ref name',
    );
  }
  const refspec = git.push?.refspec;
  if (refspec !== undefined) {
    if (refspec.startsWith('+'))
      throw new AutomationSpecError(
        'InvalidSourceConfiguration',
        `spec.git.push.refspec '${refspec}' forces the update: force pushes are not made`,
      );
    if (refspec.startsWith(':') || !refspec.includes(':'))
      throw new AutomationSpecError(
        'InvalidSourceConfiguration',
        `spec.git.push.refspec '${refspec}' must be <source>:<destination> (deleting refs is not supported)`,
      );
  }
  return {
    checkout,
    pushBranch,
    pushRefspec: refspec,
    pushOptions: git.push?.options,
    // git refuses an empty name; the email stands in when the name is not set
    author: { name: git.commit.author.name || git.commit.author.email, email: git.commit.author.email },
    messageTemplate: git.commit.messageTemplate,
    messageTemplateValues: git.commit.messageTemplateValues,
    updatePath: automation.spec?.update?.path,
    signingKeySecret: git.commit.signingKey?.secretRef?.name,
  };
}
