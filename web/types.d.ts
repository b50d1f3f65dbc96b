/** esbuild loads `.css` files as text (the widget adopts them as a constructed stylesheet). */
declare module '*.css' {
  const text: string;
  export default text;
}
