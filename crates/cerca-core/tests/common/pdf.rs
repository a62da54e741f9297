//! PDFs written by hand for the tests (their xref offsets computed), and compressed data
//! made without compressing: bombs of hundreds of MiB cost a few MB and no time.

/// A PDF of the given objects (numbered from 1; the first must be the catalog), with
/// the cross-reference table's offsets computed, and `trailer` added to the trailer.
pub fn pdf(objects: &[Vec<u8>], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut object = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    object.extend_from_slice(data);
    object.extend_from_slice(b"\nendstream");
    object
}

/// Raw deflate data for `n` zero bytes, written directly: one fixed-Huffman block of a
/// literal 0 and back-references (length 258, distance 1) — ~13 bits per 258 bytes, so
/// hundreds of MiB cost a few MB and no compression time.
pub fn deflate_zeros(n: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        len: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, bits: u32) {
            self.acc |= value << self.len;
            self.len += bits;
            while self.len >= 8 {
                self.out.push((self.acc & 0xFF) as u8);
                self.acc >>= 8;
                self.len -= 8;
            }
        }
        /// A Huffman code: most significant bit first.
        fn code(&mut self, code: u64, bits: u32) {
            let reversed = (0..bits).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
            self.put(reversed, bits);
        }
    }
    let mut bits = Bits {
        out: Vec::with_capacity(n / 150 + 16),
        acc: 0,
        len: 0,
    };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // fixed Huffman
    let mut left = n;
    if left > 0 {
        bits.code(0x30, 8); // literal 0
        left -= 1;
    }
    while left >= 258 {
        bits.code(0b1100_0101, 8); // length 258 (code 285)
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    bits.out
}

/// zlib data (header, deflate, Adler-32) for `n` zero bytes.
pub fn zlib_zeros(n: usize) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend(deflate_zeros(n));
    let b = (n % 65_521) as u32;
    out.extend_from_slice(&((b << 16) | 1).to_be_bytes());
    out
}

/// LZW data (PDF's: MSB first, early change) for `blocks` × about 7 MiB of zero bytes,
/// written directly: after each clear code, a literal 0 then the codes 258, 259… each
/// one longer run of zeros than the last (the decoder's "code not yet in the table"
/// case), up to the 12-bit table's end. Returns the data and its decoded size.
pub fn lzw_zeros(blocks: usize) -> (Vec<u8>, u64) {
    const CLEAR: u64 = 256;
    const END: u64 = 257;
    const LAST: u64 = 4000;
    // With early change, the width grows one code before the table needs it.
    let width = |next: u64| match next {
        0..=510 => 9,
        511..=1022 => 10,
        1023..=2046 => 11,
        _ => 12,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u64, 0u32);
    let mut put = |code: u64, width: u32| {
        acc = (acc << width) | code;
        bits += width;
        while bits >= 8 {
            out.push((acc >> (bits - 8)) as u8);
            bits -= 8;
        }
        acc &= (1 << bits) - 1;
    };
    let mut size = 0u64;
    let mut next = 258;
    for _ in 0..blocks {
        put(CLEAR, width(next));
        next = 258;
        put(0, width(next));
        size += 1;
        for code in 258..=LAST {
            put(code, width(next));
            next = code + 1;
            size += code - 256;
        }
    }
    put(END, width(next));
    put(0, 7); // flush the last byte
    (out, size)
}
