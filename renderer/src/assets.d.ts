/** CSS files are bundled by esbuild into app.css; importing one has no value. */
declare module '*.css';
