/** The address clients use for a bound host: a wildcard bind is reached on loopback. */
export function reachableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

export function graphqlUrl(host: string, port: number): string {
  return `http://${reachableHost(host)}:${port}/graphql`;
}
