"""Synthetic ImageNet-layout folder for bench/data-memory.sh (nothing is downloaded).

    /usr/bin/python3 bench/python/make_image_folder.py OUT N [CLASSES] [SIZE]

writes N JPEG images of SIZE x SIZE (default 224) into OUT/val/<wnid>/, spread over CLASSES
(default 1000) WordNet-id-like folders n00000000, n00000001, ..., and OUT/LOC_synset_mapping.txt
("n00000007 class 0007, synthetic") beside val/, as the ImageNet ILSVRC layout has it. The images
are smooth colour gradients with noise (each different, about 10 KB each); their content does not
matter, only their count, size and format.
"""
import os
import sys

import numpy as np
from PIL import Image


def main(argv):
    out, n = argv[1], int(argv[2])
    classes = int(argv[3]) if len(argv) > 3 else 1000
    size = int(argv[4]) if len(argv) > 4 else 224
    val = os.path.join(out, "val")
    os.makedirs(val, exist_ok=True)
    with open(os.path.join(out, "LOC_synset_mapping.txt"), "w", encoding="utf-8") as f:
        for c in range(classes):
            f.write("n%08d class %04d, synthetic\n" % (c, c))
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    for i in range(n):
        c = i % classes
        d = os.path.join(val, "n%08d" % c)
        if i < classes:
            os.makedirs(d, exist_ok=True)
        a, b, g = rng.random(3, dtype=np.float32)
        img = np.stack([a * xx + (1 - a) * yy, b * yy + (1 - b) * (1 - xx), g * (xx + yy) / 2], axis=-1) * 200
        img += rng.integers(0, 40, size=(size, size, 3), dtype=np.uint8)
        Image.fromarray(img.clip(0, 255).astype(np.uint8)).save(os.path.join(d, "img%06d.JPEG" % i), quality=85)
    print("wrote %d images in %d class folders under %s" % (n, min(n, classes), val))


if __name__ == "__main__":
    main(sys.argv)
