/**
 * The part of highlight.js the playground uses. Its own type declarations
 * pull in Node's global types, which change how Deno's web streams are
 * typed across the whole program, so this narrow declaration is used instead.
 */
declare const hljs: {
  getLanguage(name: string): object | undefined;
  highlight(
    code: string,
    options: { language: string; ignoreIllegals: boolean },
  ): { value: string };
};
export default hljs;
