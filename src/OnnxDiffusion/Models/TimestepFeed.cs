using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>
/// The timestep: one per row ([B]), or one shared by the batch (a scalar [] or a [1] tensor), as int64, int32,
/// float32 or float16.
/// </summary>
internal sealed class TimestepFeed : InputFeed
{
    private readonly HostTensor<long> _tensor;
    private readonly string _shape;
    private readonly bool _shared;
    private readonly string _onnxPath;

    /// <summary>The timestep input of <paramref name="manifest"/>'s model at <paramref name="onnxPath"/>.</summary>
    public TimestepFeed(ModelManifest manifest, string onnxPath) : base("timestep", manifest.Inputs.Timestep, manifest.TimestepDtype)
    {
        _tensor = HostTensors.Integers(Role, Dtype);
        _shape = manifest.TimestepShape;
        _shared = _shape != TensorShapes.Batch;
        _onnxPath = onnxPath;
    }

    /// <inheritdoc />
    public override void CheckGraph(TensorSignature input, string manifestPath, string onnxPath)
    {
        int rank = _shape == TensorShapes.Scalar ? 0 : 1;
        if (input.Rank != rank || (_shape == TensorShapes.One && input.Dims[0] != 1))
            throw new OnnxDiffusionException($"{manifestPath}: input '{input.Name}' of {onnxPath} is {input}, expected timestep_shape {_shape}");
    }

    /// <inheritdoc />
    public override void Check(in FeedRequest request)
    {
        var t = request.Timesteps.Span;
        if (_shared && t.Length > 0 && t.IndexOfAnyExcept(t[0]) >= 0)
            throw new OnnxDiffusionException(
                $"{_onnxPath}: input '{Name}' is one timestep {_shape} shared by the batch, but this batch has different timesteps");
    }

    /// <inheritdoc />
    public override void Allocate(int rows) => _tensor.Allocate(rows);

    /// <inheritdoc />
    public override void Fill(in FeedRequest request)
    {
        var from = request.Timesteps.Span;
        var to = _tensor.Values.Span;
        for (int i = 0; i < request.Rows; i++)
            to[i] = from[i % from.Length];
    }

    /// <inheritdoc />
    public override void ToGraph(int first, int rows) => _tensor.ToGraph(first, _shared ? 1 : rows);

    /// <inheritdoc />
    // A shared timestep is the first row's: Check made sure that every row has the same.
    public override OrtValue Tensor(int first, int rows) =>
        _shared ? _tensor.Tensor(first, 1, _shape == TensorShapes.Scalar ? [] : [1]) : _tensor.Tensor(first, rows, [rows]);
}
