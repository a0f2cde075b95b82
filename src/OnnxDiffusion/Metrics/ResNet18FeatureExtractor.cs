using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Data;
using SkiaSharp;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// The frozen ImageNet ResNet18 that ships with ML.NET's DnnImageFeaturizer package, as a generic feature space
/// for RGB data (512-d, the global-average-pool output). The package brings two ONNX graphs — a preprocessing
/// graph (RGB 0…255 → BGR minus the mean image) and the network — both with the batch dimension fixed to 1, so images
/// run one at a time through preallocated tensors. Grey images are replicated to three channels; every image is
/// resized to 224×224 (bilinear). Used by the metrics and by the <c>resnet18</c> classifier kind.
/// </summary>
/// <remarks>
/// A batch-1 graph cannot use more cores by batching, so images run in <see cref="Lanes"/> lanes side by side, each
/// with its own tensors, through sessions of one intra-op thread each (ONNX Runtime sessions may be run concurrently).
/// Every image is computed the same way whatever the lane count, so features do not depend on it.
/// </remarks>
public sealed class ResNet18FeatureExtractor : IFeatureExtractor
{
    private const int Size = 224;
    private const int Dim = 512;
    private readonly InferenceSession _prep;
    private readonly InferenceSession _net;
    private readonly Lane[] _lanes;

    /// <summary>Finds the package's model files beside the running application.</summary>
    /// <param name="modelsDirectory">The package's DnnImageModels folder (default: beside the application).</param>
    /// <param name="lanes">Images run side by side (0 = one per core).</param>
    /// <exception cref="OnnxDiffusionException">The files are not there (the application does not reference the package).</exception>
    public ResNet18FeatureExtractor(string? modelsDirectory = null, int lanes = 0)
    {
        string root = modelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        string prep = Path.Combine(root, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        string net = Path.Combine(root, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var f in new[] { prep, net })
            if (!File.Exists(f))
                throw new OnnxDiffusionException($"{f}: ResNet18 model file not found (it comes with the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18)");
        if (lanes < 0)
            throw new OnnxDiffusionException($"ResNet18 lanes {lanes}: expected 0 (one per core) or a positive count");
        using var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        Fingerprint = "resnet18:" + string.Join(",", new[] { prep, net }.Select(f => Data.Sha256.OfFile(f)[..16]));
        _prep = new InferenceSession(prep, so);
        _net = new InferenceSession(net, so);
        _lanes = Enumerable.Range(0, lanes > 0 ? lanes : Environment.ProcessorCount).Select(_ => new Lane()).ToArray();
    }

    /// <inheritdoc />
    public int FeatureDim => Dim;

    /// <inheritdoc />
    public string Description => "ResNet18 (ImageNet, ML.NET DnnImageFeaturizer), 512-d pooled features";

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <summary>Images run side by side.</summary>
    public int Lanes => _lanes.Length;

    /// <inheritdoc />
    public (float[] Features, float[] Logits) Run(LabeledImages images)
    {
        var features = new float[images.Count * Dim];
        int lanes = Math.Min(_lanes.Length, Math.Max(1, images.Count));
        // Contiguous ranges, one per lane: each lane's tensors are its own, the sessions are shared.
        Parallel.For(0, lanes, new ParallelOptions { MaxDegreeOfParallelism = lanes }, k =>
        {
            var lane = _lanes[k];
            int first = (int)((long)k * images.Count / lanes), end = (int)((long)(k + 1) * images.Count / lanes);
            for (int i = first; i < end; i++)
            {
                lane.Fill(images, i);
                _prep.Run(lane.RunOptions, ["OriginalInput"], [lane.InputValue], ["PreprocessedInput"], [lane.PreparedValue]);
                _net.Run(lane.RunOptions, ["Input247"], [lane.PreparedValue], ["Pooling395_Output_0"], [lane.OutputValue]);
                lane.Output.CopyTo(features, i * Dim);
            }
        });
        return (features, []);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lane in _lanes)
            lane.Dispose();
        _prep.Dispose();
        _net.Dispose();
    }

    /// <summary>One image's tensors: input, preprocessed input, output.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly float[] _input = new float[3 * Size * Size];

        public Lane()
        {
            var info = OrtMemoryInfo.DefaultInstance;
            InputValue = OrtValue.CreateTensorValueFromMemory(info, _input.AsMemory(), [1, 3, Size, Size]);
            PreparedValue = OrtValue.CreateTensorValueFromMemory(info, new float[3 * Size * Size].AsMemory(), [1, 3, Size, Size]);
            OutputValue = OrtValue.CreateTensorValueFromMemory(info, Output.AsMemory(), [1, Dim, 1, 1]);
        }

        public RunOptions RunOptions { get; } = new();

        public float[] Output { get; } = new float[Dim];

        public OrtValue InputValue { get; }

        public OrtValue PreparedValue { get; }

        public OrtValue OutputValue { get; }

        /// <summary>Image <paramref name="index"/> as planar RGB 0…255 floats at 224×224.</summary>
        public void Fill(LabeledImages images, int index)
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

        public void Dispose()
        {
            InputValue.Dispose();
            PreparedValue.Dispose();
            OutputValue.Dispose();
            RunOptions.Dispose();
        }
    }
}
