using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OnnxDiffusion.Models;

/// <summary>One input or output of an ONNX graph as ONNX Runtime declares it.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Dtype">Element type spelled as in model.json (float32, float16, int64, int32, …).</param>
/// <param name="Dims">Dimensions; -1 (or 0) for a symbolic (dynamic) axis; empty for a scalar.</param>
public sealed record TensorSignature(string Name, string Dtype, IReadOnlyList<int> Dims)
{
    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Count;

    /// <summary>Whether the axis has no fixed size.</summary>
    public bool IsDynamic(int axis) => Dims[axis] <= 0;

    /// <summary>Whether the element type is a floating-point one.</summary>
    public bool IsFloat => Dtype is "float32" or "float16" or "float64" or "bfloat16";

    /// <summary>Whether the element type is an integer one.</summary>
    public bool IsInteger => Dtype is "int64" or "int32" or "int16" or "int8" or "uint8" or "uint16" or "uint32" or "uint64";

    /// <summary>e.g. "float32 [B,3,32,32]" (B for any dynamic axis).</summary>
    public override string ToString() => $"{Dtype} [{string.Join(",", Dims.Select(d => d <= 0 ? "B" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}

/// <summary>The inputs and outputs of an ONNX graph, read from an ONNX Runtime session's metadata.</summary>
/// <param name="Inputs">Graph inputs in declaration order.</param>
/// <param name="Outputs">Graph outputs in declaration order.</param>
public sealed record GraphSignature(IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs)
{
    /// <summary>Opens <paramref name="onnxPath"/> on the CPU only to read its signature.</summary>
    /// <exception cref="OnnxDiffusionException">The file is missing or not a loadable ONNX model.</exception>
    public static GraphSignature Read(string onnxPath)
    {
        if (!File.Exists(onnxPath))
            throw new OnnxDiffusionException($"{onnxPath}: ONNX file not found");
        using var so = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        so.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            using var session = new InferenceSession(onnxPath, so);
            return Of(session);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxDiffusionException($"{onnxPath}: not a loadable ONNX model ({ex.Message.ReplaceLineEndings(" ").Trim()})", ex);
        }
    }

    /// <summary>The signature of an open session.</summary>
    public static GraphSignature Of(InferenceSession session) =>
        new(session.InputMetadata.Select(kv => Tensor(kv.Key, kv.Value)).ToArray(),
            session.OutputMetadata.Select(kv => Tensor(kv.Key, kv.Value)).ToArray());

    private static TensorSignature Tensor(string name, NodeMetadata meta) =>
        new(name, meta.IsTensor ? DtypeName(meta.ElementDataType) : meta.OnnxValueType.ToString().ToLowerInvariant(), meta.IsTensor ? meta.Dimensions : []);

    /// <summary>The model.json spelling of an ONNX element type.</summary>
    public static string DtypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "float64",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int16 => "int16",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };
}
