;; The letterbox's hot loops (letterbox.ts drives them): OpenCV's fixed-point bilinear resize of
;; an RGB picture, straight into the model's planar float32 tensor, with WebAssembly SIMD.
;; Assembled into letterbox.wasm by `npm run build:wasm`; a test checks the two agree.
(module
  (import "env" "memory" (memory 1))

  ;; One source row through the horizontal taps into three planar int32 rows (R, G, B, each
  ;; `stride` values after the previous). A tap is 32 bytes: the byte offset of its left source
  ;; pixel (an int32 and 12 unused bytes), then the left and right weights as int16 pairs
  ;; (w0 w1 w0 w1 w0 w1 0 0; w0 + w1 = 2048). The left pixel and the next are read as 8 bytes,
  ;; paired per channel by one swizzle and weighted by one dot product. A column clamped to the
  ;; last pixel has w1 = 0, so the bytes after it count for nothing, but they are read: the
  ;; source needs 8 bytes of slack after its end. Four columns per step, transposed from
  ;; [R G B 0] per column to one vector per plane; the last step is moved back to end at
  ;; `width`. `width` >= 4.
  (func (export "horizontal") (param $src i32) (param $taps i32) (param $width i32) (param $out i32) (param $stride i32)
    (local $x i32) (local $last i32) (local $tap i32) (local $at i32) (local $pairs v128)
    (local $ab v128) (local $cd v128) (local $abBlue v128) (local $cdBlue v128) (local $column v128)
    ;; [R0 G0 B0 R1 G1 B1 ..] -> int16 [R0 R1 G0 G1 B0 B1 0 0] (swizzle indices >= 16 give 0).
    ;; Constants live in locals: V8 would rebuild a v128.const on every iteration.
    (local.set $pairs (v128.const i8x16 0 16 3 16 1 16 4 16 2 16 5 16 16 16 16 16))
    (local.set $last (i32.sub (local.get $width) (i32.const 4)))
    (loop $columns
      (if (i32.gt_s (local.get $x) (local.get $last)) (then (local.set $x (local.get $last))))
      (local.set $tap (i32.add (local.get $taps) (i32.shl (local.get $x) (i32.const 5))))
      ;; Columns a and b (each [R G B 0]) -> ab = [Ra Rb Ga Gb], abBlue = [Ba Bb 0 0].
      (local.set $column (i32x4.dot_i16x8_s
        (i8x16.swizzle (v128.load64_zero (i32.add (local.get $src) (i32.load (local.get $tap)))) (local.get $pairs))
        (v128.load offset=16 (local.get $tap))))
      (local.set $ab (i32x4.dot_i16x8_s
        (i8x16.swizzle (v128.load64_zero (i32.add (local.get $src) (i32.load offset=32 (local.get $tap)))) (local.get $pairs))
        (v128.load offset=48 (local.get $tap))))
      (local.set $abBlue (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $column) (local.get $ab)))
      (local.set $ab (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $column) (local.get $ab)))
      ;; Columns c, d likewise.
      (local.set $column (i32x4.dot_i16x8_s
        (i8x16.swizzle (v128.load64_zero (i32.add (local.get $src) (i32.load offset=64 (local.get $tap)))) (local.get $pairs))
        (v128.load offset=80 (local.get $tap))))
      (local.set $cd (i32x4.dot_i16x8_s
        (i8x16.swizzle (v128.load64_zero (i32.add (local.get $src) (i32.load offset=96 (local.get $tap)))) (local.get $pairs))
        (v128.load offset=112 (local.get $tap))))
      (local.set $cdBlue (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $column) (local.get $cd)))
      (local.set $cd (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $column) (local.get $cd)))
      (local.set $at (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))))
      (v128.store (local.get $at)
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd)))
      (v128.store (i32.add (local.get $at) (i32.shl (local.get $stride) (i32.const 2)))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd)))
      (v128.store (i32.add (local.get $at) (i32.shl (local.get $stride) (i32.const 3)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $abBlue) (local.get $cdBlue)))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br_if $columns (i32.lt_s (local.get $x) (local.get $width)))))

  ;; Two horizontal rows blended with the vertical weights w0, w1, rounded the way OpenCV's SIMD
  ;; path rounds ((((a >> 4) * w0) >> 16) + (((b >> 4) * w1) >> 16) + 2) >> 2, saturated to
  ;; 0..255, divided by 255 in float32, and stored at `out` in each of the tensor's three planes
  ;; (`plane` floats apart). Four columns per step; the last step is moved back to end at
  ;; `width`, so nothing past the row is written. `width` >= 4.
  (func (export "vertical") (param $row0 i32) (param $row1 i32) (param $stride i32) (param $w0 i32) (param $w1 i32)
        (param $width i32) (param $out i32) (param $plane i32)
    (local $weight0 v128) (local $weight1 v128) (local $x i32) (local $last i32) (local $channel i32) (local $value v128)
    (local $two v128) (local $zero v128) (local $max v128) (local $divisor v128)
    ;; Constants in locals, as in horizontal; $zero is 0 as every local starts.
    (local.set $two (v128.const i32x4 2 2 2 2))
    (local.set $max (v128.const i32x4 255 255 255 255))
    (local.set $divisor (v128.const f32x4 255 255 255 255))
    (local.set $weight0 (i32x4.splat (local.get $w0)))
    (local.set $weight1 (i32x4.splat (local.get $w1)))
    (local.set $last (i32.sub (local.get $width) (i32.const 4)))
    (loop $channels
      (local.set $x (i32.const 0))
      (loop $columns
        (if (i32.gt_s (local.get $x) (local.get $last)) (then (local.set $x (local.get $last))))
        (local.set $value
          (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i32x4.shr_s
                  (i32x4.mul (i32x4.shr_s (v128.load (i32.add (local.get $row0) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 4)) (local.get $weight0))
                  (i32.const 16))
                (i32x4.shr_s
                  (i32x4.mul (i32x4.shr_s (v128.load (i32.add (local.get $row1) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 4)) (local.get $weight1))
                  (i32.const 16)))
              (local.get $two))
            (i32.const 2)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2)))
          (f32x4.div
            (f32x4.convert_i32x4_s
              (i32x4.min_s (i32x4.max_s (local.get $value) (local.get $zero)) (local.get $max)))
            (local.get $divisor)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $columns (i32.lt_s (local.get $x) (local.get $width))))
      (local.set $row0 (i32.add (local.get $row0) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $row1 (i32.add (local.get $row1) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (i32.shl (local.get $plane) (i32.const 2))))
      (local.set $channel (i32.add (local.get $channel) (i32.const 1)))
      (br_if $channels (i32.lt_u (local.get $channel) (i32.const 3)))))

  ;; A picture exactly twice its letterboxed size (1280x720 at 640): OpenCV resizes it as the
  ;; mean of each 2x2 block, (a + b + c + d + 2) >> 2 (cv::resize swaps INTER_LINEAR for its fast
  ;; INTER_AREA there, and the fixed-point bilinear gives the same bytes: both weights are 1/2).
  ;; Source rows `src` and `src + stride` bytes become one output row of `width` pixels in the
  ;; three planes at `out` (`plane` floats apart), value / 255 in float32. Eight output pixels per
  ;; step: 48 bytes of each row deinterleaved into a vector per channel (the shuffles of
  ;; convert), neighbours summed pairwise, the two rows added. The last step is moved back to end
  ;; at `width`. `width` >= 8.
  (func (export "halve") (param $src i32) (param $stride i32) (param $width i32) (param $out i32) (param $plane i32)
    (local $x i32) (local $last i32) (local $at i32) (local $below i32) (local $to i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $e v128) (local $f v128)
    (local $sum v128) (local $two v128) (local $divisor v128)
    (local.set $two (v128.const i16x8 2 2 2 2 2 2 2 2))
    (local.set $divisor (v128.const f32x4 255 255 255 255))
    (local.set $last (i32.sub (local.get $width) (i32.const 8)))
    (loop $columns
      (if (i32.gt_s (local.get $x) (local.get $last)) (then (local.set $x (local.get $last))))
      (local.set $at (i32.add (local.get $src) (i32.mul (local.get $x) (i32.const 6))))
      (local.set $below (i32.add (local.get $at) (local.get $stride)))
      (local.set $a (v128.load (local.get $at)))
      (local.set $b (v128.load offset=16 (local.get $at)))
      (local.set $c (v128.load offset=32 (local.get $at)))
      (local.set $d (v128.load (local.get $below)))
      (local.set $e (v128.load offset=16 (local.get $below)))
      (local.set $f (v128.load offset=32 (local.get $below)))
      (local.set $to (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))))
      ;; R: bytes 0 3 .. 45 of each row's 48.
      (local.set $sum (i16x8.shr_u (i16x8.add (i16x8.add
        (i16x8.extadd_pairwise_i8x16_u (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 17 20 23 26 29
          (i8x16.shuffle 0 3 6 9 12 15 18 21 24 27 30 0 0 0 0 0 (local.get $a) (local.get $b)) (local.get $c)))
        (i16x8.extadd_pairwise_i8x16_u (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 17 20 23 26 29
          (i8x16.shuffle 0 3 6 9 12 15 18 21 24 27 30 0 0 0 0 0 (local.get $d) (local.get $e)) (local.get $f))))
        (local.get $two)) (i32.const 2)))
      (v128.store (local.get $to) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $sum))) (local.get $divisor)))
      (v128.store offset=16 (local.get $to) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $sum))) (local.get $divisor)))
      (local.set $to (i32.add (local.get $to) (i32.shl (local.get $plane) (i32.const 2))))
      ;; G: bytes 1 4 .. 46.
      (local.set $sum (i16x8.shr_u (i16x8.add (i16x8.add
        (i16x8.extadd_pairwise_i8x16_u (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 18 21 24 27 30
          (i8x16.shuffle 1 4 7 10 13 16 19 22 25 28 31 0 0 0 0 0 (local.get $a) (local.get $b)) (local.get $c)))
        (i16x8.extadd_pairwise_i8x16_u (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 18 21 24 27 30
          (i8x16.shuffle 1 4 7 10 13 16 19 22 25 28 31 0 0 0 0 0 (local.get $d) (local.get $e)) (local.get $f))))
        (local.get $two)) (i32.const 2)))
      (v128.store (local.get $to) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $sum))) (local.get $divisor)))
      (v128.store offset=16 (local.get $to) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $sum))) (local.get $divisor)))
      (local.set $to (i32.add (local.get $to) (i32.shl (local.get $plane) (i32.const 2))))
      ;; B: bytes 2 5 .. 47.
      (local.set $sum (i16x8.shr_u (i16x8.add (i16x8.add
        (i16x8.extadd_pairwise_i8x16_u (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 16 19 22 25 28 31
          (i8x16.shuffle 2 5 8 11 14 17 20 23 26 29 0 0 0 0 0 0 (local.get $a) (local.get $b)) (local.get $c)))
        (i16x8.extadd_pairwise_i8x16_u (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 16 19 22 25 28 31
          (i8x16.shuffle 2 5 8 11 14 17 20 23 26 29 0 0 0 0 0 0 (local.get $d) (local.get $e)) (local.get $f))))
        (local.get $two)) (i32.const 2)))
      (v128.store (local.get $to) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $sum))) (local.get $divisor)))
      (v128.store offset=16 (local.get $to) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $sum))) (local.get $divisor)))
      (local.set $x (i32.add (local.get $x) (i32.const 8)))
      (br_if $columns (i32.lt_s (local.get $x) (local.get $width)))))

  ;; A picture already at its letterboxed size (Ultralytics skips the resize): one row of `width`
  ;; RGB pixels split into the three planes at `out` (`plane` floats apart), value / 255 in
  ;; float32 (Ultralytics' im.float() / 255). Sixteen pixels per step: 48 bytes deinterleaved by
  ;; two shuffles per plane (the first takes what a and b hold, the second appends c's share),
  ;; widened to 4 x 4 int32 and divided. The last step is moved back to end at `width`.
  ;; `width` >= 16.
  (func (export "convert") (param $src i32) (param $width i32) (param $out i32) (param $plane i32)
    (local $x i32) (local $last i32) (local $a v128) (local $b v128) (local $c v128)
    (local $red i32) (local $green i32) (local $blue i32) (local $bytes v128) (local $half v128) (local $divisor v128)
    (local.set $divisor (v128.const f32x4 255 255 255 255))
    (local.set $last (i32.sub (local.get $width) (i32.const 16)))
    (loop $columns
      (if (i32.gt_s (local.get $x) (local.get $last)) (then (local.set $x (local.get $last))))
      (local.set $a (v128.load (i32.add (local.get $src) (i32.mul (local.get $x) (i32.const 3)))))
      (local.set $b (v128.load offset=16 (i32.add (local.get $src) (i32.mul (local.get $x) (i32.const 3)))))
      (local.set $c (v128.load offset=32 (i32.add (local.get $src) (i32.mul (local.get $x) (i32.const 3)))))
      (local.set $red (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))))
      (local.set $green (i32.add (local.get $red) (i32.shl (local.get $plane) (i32.const 2))))
      (local.set $blue (i32.add (local.get $green) (i32.shl (local.get $plane) (i32.const 2))))
      ;; R: bytes 0 3 .. 45 of the 48.
      (local.set $bytes (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 17 20 23 26 29
        (i8x16.shuffle 0 3 6 9 12 15 18 21 24 27 30 0 0 0 0 0 (local.get $a) (local.get $b)) (local.get $c)))
      (local.set $half (i16x8.extend_low_i8x16_u (local.get $bytes)))
      (v128.store (local.get $red) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $divisor)))
      (v128.store offset=16 (local.get $red) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $divisor)))
      (local.set $half (i16x8.extend_high_i8x16_u (local.get $bytes)))
      (v128.store offset=32 (local.get $red) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $divisor)))
      (v128.store offset=48 (local.get $red) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $divisor)))
      ;; G: bytes 1 4 .. 46.
      (local.set $bytes (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 18 21 24 27 30
        (i8x16.shuffle 1 4 7 10 13 16 19 22 25 28 31 0 0 0 0 0 (local.get $a) (local.get $b)) (local.get $c)))
      (local.set $half (i16x8.extend_low_i8x16_u (local.get $bytes)))
      (v128.store (local.get $green) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $divisor)))
      (v128.store offset=16 (local.get $green) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $divisor)))
      (local.set $half (i16x8.extend_high_i8x16_u (local.get $bytes)))
      (v128.store offset=32 (local.get $green) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $divisor)))
      (v128.store offset=48 (local.get $green) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $divisor)))
      ;; B: bytes 2 5 .. 47.
      (local.set $bytes (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 16 19 22 25 28 31
        (i8x16.shuffle 2 5 8 11 14 17 20 23 26 29 0 0 0 0 0 0 (local.get $a) (local.get $b)) (local.get $c)))
      (local.set $half (i16x8.extend_low_i8x16_u (local.get $bytes)))
      (v128.store (local.get $blue) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $divisor)))
      (v128.store offset=16 (local.get $blue) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $divisor)))
      (local.set $half (i16x8.extend_high_i8x16_u (local.get $bytes)))
      (v128.store offset=32 (local.get $blue) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $divisor)))
      (v128.store offset=48 (local.get $blue) (f32x4.div (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $divisor)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br_if $columns (i32.lt_s (local.get $x) (local.get $width))))))
