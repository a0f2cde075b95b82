using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>
/// Host memory behind one graph tensor: the values the denoiser works in (<typeparamref name="T"/>: float for images and
/// embeddings, long for timesteps and labels) and, when the graph declares another element type, that type's copy which
/// the session reads or writes. Which of the two kinds a tensor is gets decided once, at load, by <see cref="HostTensors"/>;
/// a call then converts without asking.
/// </summary>
/// <typeparam name="T">The working element type.</typeparam>
internal abstract class HostTensor<T> where T : unmanaged
{
    /// <summary>The working values, as many as the last <see cref="Allocate"/> made room for.</summary>
    public Memory<T> Values { get; protected set; }

    /// <summary>Makes room for <paramref name="elements"/> values (tensors bound over the old memory must be disposed first).</summary>
    /// <param name="elements">Values to hold.</param>
    /// <param name="working">Memory someone else owns for the working values (the guidance kernel's buffer), or empty.</param>
    public abstract void Allocate(int elements, Memory<T> working = default);

    /// <summary>Before a run: the working values [start, start + count) into the graph's element type.</summary>
    public virtual void ToGraph(int start, int count)
    {
    }

    /// <summary>After a run: the graph's values [start, start + count) back into the working values.</summary>
    public virtual void FromGraph(int start, int count)
    {
    }

    /// <summary>A tensor of <paramref name="shape"/> over the values [start, start + count) in the graph's element type.</summary>
    public abstract OrtValue Tensor(int start, int count, long[] shape);
}

/// <summary>A tensor whose graph element type is the working one: the session reads and writes the working values themselves.</summary>
internal sealed class SameTypeTensor<T> : HostTensor<T> where T : unmanaged
{
    /// <inheritdoc />
    public override void Allocate(int elements, Memory<T> working = default) => Values = working.IsEmpty ? new T[elements] : working;

    /// <inheritdoc />
    public override OrtValue Tensor(int start, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Values.Slice(start, count), shape);
}

/// <summary>A tensor the graph holds as <typeparamref name="TGraph"/>: a second buffer, converted per run by <typeparamref name="TCast"/>.</summary>
// TCast is a struct so that the JIT compiles each conversion loop for its own cast, inlined (a float16 sample is
// converted element by element on every run).
internal sealed class CastTensor<T, TGraph, TCast> : HostTensor<T>
    where T : unmanaged where TGraph : unmanaged where TCast : struct, IElementCast<T, TGraph>
{
    private TGraph[] _graph = [];

    /// <inheritdoc />
    public override void Allocate(int elements, Memory<T> working = default)
    {
        Values = working.IsEmpty ? new T[elements] : working;
        _graph = new TGraph[elements];
    }

    /// <inheritdoc />
    public override void ToGraph(int start, int count)
    {
        var from = Values.Span.Slice(start, count);
        var to = _graph.AsSpan(start, count);
        for (int i = 0; i < from.Length; i++)
            to[i] = TCast.ToGraph(from[i]);
    }

    /// <inheritdoc />
    public override void FromGraph(int start, int count)
    {
        var from = _graph.AsSpan(start, count);
        var to = Values.Span.Slice(start, count);
        for (int i = 0; i < from.Length; i++)
            to[i] = TCast.FromGraph(from[i]);
    }

    /// <inheritdoc />
    public override OrtValue Tensor(int start, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<TGraph>(_graph, start, count), shape);
}

/// <summary>
/// The host tensors for the element types model.json may name (<see cref="TensorDtypes"/>): the one place that reads a
/// dtype string.
/// </summary>
internal static class HostTensors
{
    /// <summary>A float-valued tensor (sample, output, text states) the graph holds as float32 or float16.</summary>
    /// <exception cref="OnnxDiffusionException">Another element type (model.json and the inference refuse those before this).</exception>
    public static HostTensor<float> Floats(string role, string dtype) => dtype switch
    {
        "float32" => new SameTypeTensor<float>(),
        "float16" => new CastTensor<float, Float16, HalfCast>(),
        _ => throw Unsupported(role, dtype, TensorDtypes.Sample),
    };

    /// <summary>An integer-valued tensor (timestep, class labels) the graph holds as int64, int32, float32 or float16.</summary>
    /// <exception cref="OnnxDiffusionException">Another element type (model.json and the inference refuse those before this).</exception>
    public static HostTensor<long> Integers(string role, string dtype) => dtype switch
    {
        "int64" => new SameTypeTensor<long>(),
        "int32" => new CastTensor<long, int, Int32Cast>(),
        "float32" => new CastTensor<long, float, FloatOfLongCast>(),
        "float16" => new CastTensor<long, Float16, HalfOfLongCast>(),
        _ => throw Unsupported(role, dtype, TensorDtypes.Timestep),
    };

    private static OnnxDiffusionException Unsupported(string role, string dtype, IReadOnlyList<string> expected) =>
        new($"{role} dtype {dtype}: expected {string.Join(" or ", expected)}");
}
