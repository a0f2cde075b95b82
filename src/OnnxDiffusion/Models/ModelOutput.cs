using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>
/// The U-Net's output [B, C, H, W], float32 or float16, read back as float32 into memory the caller supplies (the
/// guidance kernel's buffer when it is host memory, so ONNX Runtime writes where the combine reads).
/// </summary>
internal sealed class ModelOutput
{
    private readonly HostTensor<float> _tensor;
    private readonly int _size;
    private readonly int _channels;
    private readonly int _imageSize;

    /// <summary>The output of <paramref name="manifest"/>'s model.</summary>
    public ModelOutput(ModelManifest manifest)
    {
        Name = manifest.Output;
        Dtype = manifest.OutputDtype;
        _tensor = HostTensors.Floats("output", Dtype);
        _size = manifest.SampleSize;
        _channels = manifest.SampleChannels;
        _imageSize = manifest.SampleImageSize;
    }

    /// <summary>The graph's output name.</summary>
    public string Name { get; }

    /// <summary>The element type the description gives it (model.json's spelling).</summary>
    public string Dtype { get; }

    /// <summary>The output values as float32, <see cref="Allocate"/>'s rows of them.</summary>
    public Memory<float> Values => _tensor.Values;

    /// <summary>Room for <paramref name="rows"/> rows; the float32 values live in <paramref name="working"/>.</summary>
    public void Allocate(int rows, Memory<float> working) => _tensor.Allocate(rows * _size, working);

    /// <summary>After a run over rows [first, first + rows): its values into <see cref="Values"/> where the graph's type differs.</summary>
    public void FromGraph(int first, int rows) => _tensor.FromGraph(first * _size, rows * _size);

    /// <summary>The tensor a run over rows [first, first + rows) writes.</summary>
    public OrtValue Tensor(int first, int rows) =>
        _tensor.Tensor(first * _size, rows * _size, [rows, _channels, _imageSize, _imageSize]);
}
