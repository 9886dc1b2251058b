"""A cheap 3x224x224 classifier with 1000 outputs for bench/data-memory.sh (random weights: the
bench measures memory, not accuracy). Labels are "class 0000" ... "class 0999", the first name of
each line of make_image_folder.py's LOC_synset_mapping.txt.

    /usr/bin/python3 bench/python/export_tiny224.py OUT_DIR
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from lamina_export import export  # noqa: E402


def main(argv):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, kernel_size=8, stride=8), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(8, 1000))
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    export(model, argv[1], name="tiny224", kind="sequential", input_shape=(3, 224, 224),
           labels=["class %04d" % c for c in range(1000)], mean=mean, std=std,
           reference_inputs=torch.randn(2, 3, 224, 224), description="bench model: tiny 224x224 CNN, random weights",
           command="/usr/bin/python3 bench/python/export_tiny224.py " + argv[1])


if __name__ == "__main__":
    main(sys.argv)
