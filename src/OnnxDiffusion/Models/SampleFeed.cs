using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>The noisy sample [B, C, H, W], float32 or float16; the unconditional half repeats it.</summary>
internal sealed class SampleFeed : InputFeed
{
    private readonly HostTensor<float> _tensor;
    private readonly int _size;
    private readonly int _channels;
    private readonly int _imageSize;
    private readonly int? _fixedBatch;

    /// <summary>The sample input of <paramref name="manifest"/>.</summary>
    public SampleFeed(ModelManifest manifest) : base("sample", manifest.Inputs.Sample, manifest.SampleDtype)
    {
        _tensor = HostTensors.Floats(Role, Dtype);
        _size = manifest.SampleSize;
        _channels = manifest.SampleChannels;
        _imageSize = manifest.SampleImageSize;
        _fixedBatch = manifest.FixedBatch;
    }

    /// <inheritdoc />
    public override void CheckGraph(TensorSignature input, string manifestPath, string onnxPath)
    {
        var dims = input.Dims;
        int[] want = [_fixedBatch ?? -1, _channels, _imageSize, _imageSize];
        if (dims.Count != 4 || !dims.Select((d, i) => d <= 0 ? i > 0 || _fixedBatch is null : d == want[i]).All(ok => ok))
            throw new OnnxDiffusionException(
                $"{manifestPath}: input '{Name}' of {onnxPath} is {input}, expected [{(_fixedBatch is int fb ? fb.ToString(CultureInfo.InvariantCulture) : "B")},{_channels},{_imageSize},{_imageSize}]");
    }

    /// <inheritdoc />
    public override void Allocate(int rows) => _tensor.Allocate(rows * _size);

    /// <inheritdoc />
    public override void Fill(in FeedRequest request)
    {
        var x = _tensor.Values.Span;
        request.Sample.Span.CopyTo(x);
        if (request.Doubled)
            request.Sample.Span.CopyTo(x[(request.Batch * _size)..]);
    }

    /// <inheritdoc />
    public override void ToGraph(int first, int rows) => _tensor.ToGraph(first * _size, rows * _size);

    /// <inheritdoc />
    public override OrtValue Tensor(int first, int rows) =>
        _tensor.Tensor(first * _size, rows * _size, [rows, _channels, _imageSize, _imageSize]);
}
