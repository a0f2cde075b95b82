using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OnnxDiffusion.Models;

/// <summary>
/// One ONNX Runtime session of a pipeline component that runs a few times per batch (text encoder, VAE), with its
/// inputs cast to the element types the graph declares (float32 or float16 values, int32 or int64 ids), as Optimum's
/// runtime does: the graph, not an assumption, decides.
/// </summary>
public sealed class ComponentSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    /// <summary>Opens <paramref name="path"/> on the denoiser's provider ("CUDA" or "CPU") with the product's session options.</summary>
    /// <exception cref="OnnxDiffusionException">The file is not a loadable ONNX model.</exception>
    public ComponentSession(string path, string provider, int threads = 0)
    {
        Path = path;
        using var so = OnnxDenoiser.CreateSessionOptions(new DenoiserOptions { IntraOpThreads = threads });
        try
        {
            if (provider == "CUDA")
                so.AppendExecutionProvider_CUDA(0);
            _session = new InferenceSession(path, so);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxDiffusionException($"{path}: not a loadable ONNX model ({ex.Message.ReplaceLineEndings(" ").Trim()})", ex);
        }
        Signature = GraphSignature.Of(_session);
    }

    /// <summary>The .onnx file.</summary>
    public string Path { get; }

    /// <summary>The graph's inputs and outputs.</summary>
    public GraphSignature Signature { get; }

    /// <summary>Runs the graph on one float input and returns one float output, both as float32.</summary>
    public float[] Run(string input, ReadOnlySpan<float> values, long[] shape, string output)
    {
        string dtype = Signature.Inputs.First(i => i.Name == input).Dtype;
        using var value = dtype == "float16" ? OrtValue.CreateTensorValueFromMemory(ToHalf(values), shape)
            : OrtValue.CreateTensorValueFromMemory(values.ToArray(), shape);
        return Run(input, value, output);
    }

    /// <summary>Runs the graph on one integer input (token ids) and returns one float output as float32.</summary>
    public float[] Run(string input, ReadOnlySpan<int> ids, long[] shape, string output)
    {
        string dtype = Signature.Inputs.First(i => i.Name == input).Dtype;
        using var value = dtype == "int64" ? OrtValue.CreateTensorValueFromMemory(ids.ToArray().Select(i => (long)i).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(ids.ToArray(), shape);
        return Run(input, value, output);
    }

    private float[] Run(string input, OrtValue value, string output)
    {
        using var results = _session.Run(_run, [input], [value], [output]);
        var result = results[0];
        var type = result.GetTensorTypeAndShape().ElementDataType;
        var floats = type switch
        {
            TensorElementType.Float => result.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Float16 => result.GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h).ToArray(),
            _ => throw new OnnxDiffusionException($"{Path}: output '{output}' is {GraphSignature.DtypeName(type)}: expected float32 or float16"),
        };
        if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(floats)))
            throw new OnnxDiffusionException($"{Path}: output '{output}' holds a non-finite value");
        return floats;
    }

    private static Float16[] ToHalf(ReadOnlySpan<float> values)
    {
        var half = new Float16[values.Length];
        for (int i = 0; i < values.Length; i++)
            half[i] = (Float16)values[i];
        return half;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}
