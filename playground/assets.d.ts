declare module "*.csv" {
  const text: string;
  export default text;
}
declare module "*.resx" {
  const text: string;
  export default text;
}
declare module "*.xml" {
  const text: string;
  export default text;
}
