// The intake's proof of work (see arusha/reporting/challenge.py): before a form with
// data-challenge is sent, find a number whose SHA-256 with the page's nonce starts with the
// required zero bits. The page works without this script: the server then asks for a wait.
// SHA-256 is written out here rather than taken from crypto.subtle, which is asynchronous (one
// promise per hash is slow) and missing on pages not served over HTTPS.
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var W = new Uint32Array(64);

  function rotr(x, n) {
    return (x >>> n) | (x << (32 - n));
  }

  // The first 32 bits of SHA-256 of an ASCII text of at most 55 bytes (one block).
  function firstWord(text) {
    W.fill(0);
    for (var i = 0; i < text.length; i++) {
      W[i >> 2] |= text.charCodeAt(i) << (24 - (i % 4) * 8);
    }
    W[text.length >> 2] |= 0x80 << (24 - (text.length % 4) * 8);
    W[15] = text.length * 8;
    for (var t = 16; t < 64; t++) {
      var s0 = rotr(W[t - 15], 7) ^ rotr(W[t - 15], 18) ^ (W[t - 15] >>> 3);
      var s1 = rotr(W[t - 2], 17) ^ rotr(W[t - 2], 19) ^ (W[t - 2] >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    var a = 0x6a09e667, b = 0xbb67ae85, c = 0x3c6ef372, d = 0xa54ff53a;
    var e = 0x510e527f, f = 0x9b05688c, g = 0x1f83d9ab, h = 0x5be0cd19;
    for (t = 0; t < 64; t++) {
      var t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
      var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    return (a + 0x6a09e667) >>> 0;
  }

  // Enough for the difficulties used (at most 32 bits): only the first word is compared.
  function solves(nonce, bits, counter) {
    if (bits <= 0) {
      return true;
    }
    var word = firstWord(nonce + ":" + counter);
    return bits >= 32 ? word === 0 : word >>> (32 - bits) === 0;
  }

  // Work in slices so the page keeps responding; call done with the solution.
  function solve(nonce, bits, done) {
    var counter = 0;
    function slice() {
      var end = counter + 20000;
      for (; counter < end; counter++) {
        if (solves(nonce, bits, counter)) {
          done(String(counter));
          return;
        }
      }
      setTimeout(slice, 0);
    }
    slice();
  }

  function guard(form) {
    var token = form.querySelector("input[name=challenge]");
    var solution = form.querySelector("input[name=solution]");
    if (!token || !solution) {
      return;
    }
    form.addEventListener("submit", function (event) {
      if (solution.value) {
        return;
      }
      event.preventDefault();
      var status = form.querySelector(".challenge-status");
      var buttons = form.querySelectorAll("button[type=submit]");
      if (status) {
        status.hidden = false;
      }
      buttons.forEach(function (button) {
        button.disabled = true;
      });
      solve(token.dataset.nonce, Number(token.dataset.bits), function (found) {
        solution.value = found;
        form.submit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-challenge]").forEach(guard);
  });
})();
