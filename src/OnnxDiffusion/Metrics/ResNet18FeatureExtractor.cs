using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Data;
using SkiaSharp;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// The frozen ImageNet ResNet18 that ships with ML.NET's DnnImageFeaturizer package, as a generic feature space
/// for RGB data (512-d, the global-average-pool output). The package brings two ONNX graphs — a preprocessing
/// graph (RGB 0…255 → normalised) and the network — both with the batch dimension fixed to 1, so images run
/// one at a time through preallocated tensors. Grey images are replicated to three channels; every image is
/// resized to 224×224 (bilinear).
/// </summary>
public sealed class ResNet18FeatureExtractor : IFeatureExtractor
{
    private const int Size = 224;
    private readonly InferenceSession _prep;
    private readonly InferenceSession _net;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input = new float[3 * Size * Size];
    private readonly float[] _prepared = new float[3 * Size * Size];
    private readonly float[] _output = new float[512];
    private readonly OrtValue _inputValue, _preparedValue, _outputValue;

    /// <summary>Finds the package's model files beside the running application.</summary>
    /// <exception cref="OnnxDiffusionException">The files are not there (the application does not reference the package).</exception>
    public ResNet18FeatureExtractor(string? modelsDirectory = null)
    {
        string root = modelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        string prep = Path.Combine(root, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        string net = Path.Combine(root, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var f in new[] { prep, net })
            if (!File.Exists(f))
                throw new OnnxDiffusionException($"{f}: ResNet18 model file not found (it comes with the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18)");
        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        Fingerprint = "resnet18:" + string.Join(",", new[] { prep, net }.Select(f => Synthesis.SyntheticDatasetWriter.Sha256(File.ReadAllBytes(f))[..16]));
        _prep = new InferenceSession(prep, so);
        _net = new InferenceSession(net, so);
        var info = OrtMemoryInfo.DefaultInstance;
        _inputValue = OrtValue.CreateTensorValueFromMemory(info, _input.AsMemory(), [1, 3, Size, Size]);
        _preparedValue = OrtValue.CreateTensorValueFromMemory(info, _prepared.AsMemory(), [1, 3, Size, Size]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(info, _output.AsMemory(), [1, 512, 1, 1]);
    }

    /// <inheritdoc />
    public int FeatureDim => 512;

    /// <inheritdoc />
    public string Description => "ResNet18 (ImageNet, ML.NET DnnImageFeaturizer), 512-d pooled features";

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <inheritdoc />
    public (float[] Features, float[] Logits) Run(LabeledImages images)
    {
        var features = new float[images.Count * 512];
        for (int i = 0; i < images.Count; i++)
        {
            FillInput(images, i);
            _prep.Run(_runOptions, ["OriginalInput"], [_inputValue], ["PreprocessedInput"], [_preparedValue]);
            _net.Run(_runOptions, ["Input247"], [_preparedValue], ["Pooling395_Output_0"], [_outputValue]);
            _output.CopyTo(features, i * 512);
        }
        return (features, []);
    }

    private void FillInput(LabeledImages images, int index)
    {
        int w = images.Width, h = images.Height, plane = w * h;
        var src = images.Image(index);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Span<byte> px;
        unsafe
        {
            px = new Span<byte>((void*)bitmap.GetPixels(), bitmap.ByteCount); // GetPixelSpan is read-only in SkiaSharp 2.88
        }
        for (int p = 0; p < plane; p++)
        {
            byte r = src[p], g = images.Channels == 3 ? src[plane + p] : r, b = images.Channels == 3 ? src[2 * plane + p] : r;
            px[4 * p] = r;
            px[4 * p + 1] = g;
            px[4 * p + 2] = b;
            px[4 * p + 3] = 255;
        }
        using var resized = bitmap.Resize(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Opaque), SKFilterQuality.Medium);
        var rp = resized.GetPixelSpan();
        const int P = Size * Size;
        for (int p = 0; p < P; p++)
        {
            _input[p] = rp[4 * p];
            _input[P + p] = rp[4 * p + 1];
            _input[2 * P + p] = rp[4 * p + 2];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _inputValue.Dispose();
        _preparedValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _prep.Dispose();
        _net.Dispose();
    }
}
