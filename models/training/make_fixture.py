#!/usr/bin/python3
"""Writes the tiny fixture U-Net the C# denoiser contract tests run against (tests/fixtures/tiny-denoiser).

Built node by node with onnx.helper (no training, no torch), so the output is an exact, known function:
    out[b] = 0.5 * sample[b] + 0.001 * timestep[b] + class_table[class_labels[b]]
with class_table[k] = 0.1 * k for the 10 real classes and -1.0 for the null class 10. Images are 1x4x4,
the batch dimension is dynamic.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "fixtures", "tiny-denoiser")


def main():
    os.makedirs(OUT, exist_ok=True)
    table = np.array([0.1 * k for k in range(10)] + [-1.0], dtype=np.float32)
    inits = [
        numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half"),
        numpy_helper.from_array(np.array(0.001, dtype=np.float32), "tscale"),
        numpy_helper.from_array(table, "class_table"),
        numpy_helper.from_array(np.array([-1, 1, 1, 1], dtype=np.int64), "bshape"),
    ]
    nodes = [
        helper.make_node("Mul", ["sample", "half"], ["xs"]),
        helper.make_node("Cast", ["timestep"], ["tf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["tf", "tscale"], ["ts"]),
        helper.make_node("Reshape", ["ts", "bshape"], ["ts4"]),
        helper.make_node("Gather", ["class_table", "class_labels"], ["cv"], axis=0),
        helper.make_node("Reshape", ["cv", "bshape"], ["cv4"]),
        helper.make_node("Add", ["xs", "ts4"], ["a1"]),
        helper.make_node("Add", ["a1", "cv4"], ["out_sample"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_denoiser",
        [helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["batch", 1, 4, 4]),
         helper.make_tensor_value_info("timestep", TensorProto.INT64, ["batch"]),
         helper.make_tensor_value_info("class_labels", TensorProto.INT64, ["batch"])],
        [helper.make_tensor_value_info("out_sample", TensorProto.FLOAT, ["batch", 1, 4, 4])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="onnxdiffusion-fixture")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, "unet.onnx"))
    with open(os.path.join(OUT, "model.json"), "w") as f:
        json.dump({
            "format": "onnxdiffusion-model/1", "onnx": "unet.onnx",
            "inputs": {"sample": "sample", "timestep": "timestep", "class_labels": "class_labels"},
            "output": "out_sample", "image_size": 4, "channels": 1, "num_classes": 10,
            "class_names": [f"c{k}" for k in range(10)], "null_class": 10, "prediction_type": "epsilon",
            "pixel_range": [-1.0, 1.0], "timestep_dtype": "int64", "default_guidance_scale": 1.0, "default_steps": 10,
        }, f, indent=2)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
