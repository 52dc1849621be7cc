/**
 * Malformed HTTP on the wire, which no HTTP client library will send: broken request lines,
 * bad percent-encoding, smuggling-shaped framing, invalid header bytes, oversized heads.
 */
const H = 'Host: 127.0.0.1\r\n';

/** Raw request bytes, each one a request the server must refuse with a 4xx envelope. */
export function rawRequests(): string[] {
  return [
    'GARBAGE\r\n\r\n',
    'GET\r\n\r\n',
    'GET / HTTP/9.9\r\n\r\n',
    'GET /api/events HTTP/1.1\r\n\r\n', // HTTP/1.1 without Host
    `GET /api/events/%E0%A4%A HTTP/1.1\r\n${H}\r\n`,
    `GET /api/events/%zz HTTP/1.1\r\n${H}\r\n`,
    `GET /api/%00 HTTP/1.1\r\n${H}\r\n`,
    `GET /docs/static/..%2f..%2fpackage.json HTTP/1.1\r\n${H}\r\n`,
    `GET /docs/static/../../../../etc/passwd HTTP/1.1\r\n${H}\r\n`,
    `GET /api/events?start_time=%E0%A4%A HTTP/1.1\r\n${H}\r\n`,
    `GET /api/events\u0000 HTTP/1.1\r\n${H}\r\n`,
    `GET /api/events HTTP/1.1\r\n${H}X-Bad: a\u0001b\r\n\r\n`,
    `GET /api/events HTTP/1.1\r\n${H}Bad Header: x\r\n\r\n`,
    `GET /api/events HTTP/1.1\r\n${H}: novalue\r\n\r\n`,
    `GET /api/events HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /${'a'.repeat(20_000)} HTTP/1.1\r\n${H}\r\n`,
    `POST /api/events HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n`,
    `POST /api/events HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello`,
    `POST /api/events HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `POST /api/auth/login HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    `POST /api/auth/login HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n`,
    `GET /api/events HTTP/1.1\r\n${H}\tfolded: header\r\n\r\n`,
    `GET /api/events HTTP/1.1\n${H.replace('\r\n', '\n')}X: y\r\n\n`,
    `GET /a\r\nX-Injected: 1 HTTP/1.1\r\n${H}\r\n`,
    `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${H}\r\n`,
    `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`,
    `\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003`, // a TLS ClientHello on the plain port
  ];
}
