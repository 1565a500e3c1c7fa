// npm-package-arg ships no typings; this is the part the manifest comparison uses.
declare module 'npm-package-arg' {
  interface HostedGit {
    readonly type: string;
    readonly user: string | null;
    readonly project: string;
  }

  interface Result {
    readonly type: string;
    readonly hosted?: HostedGit;
    readonly gitCommittish?: string | null;
    readonly gitRange?: string;
    readonly gitSubdir?: string;
  }

  function npa(arg: string, where?: string): Result;
  namespace npa {
    function resolve(name: string, spec: string, where?: string): Result;
  }

  export = npa;
}
