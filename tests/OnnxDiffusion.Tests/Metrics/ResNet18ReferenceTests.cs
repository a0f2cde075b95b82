using Microsoft.ML;
using Microsoft.ML.Data;
using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

/// <summary>
/// Reference values for the ResNet18 featurizer the metrics and the resnet18 classifier share: three fixed 224×224
/// images through our path (SkiaSharp pixels into the two shipped ONNX graphs, run by ONNX Runtime directly) and through
/// another route, ML.NET's own pipeline (ImageAnalytics LoadImages → ExtractPixels → DnnFeaturizeImage ResNet18), which
/// decodes, lays out and normalises the pixels its own way. At 224×224 neither resizes, so the features must agree.
/// </summary>
public class ResNet18ReferenceTests
{
    private const int Size = 224;

    private static byte[] Image(int k)
    {
        // Planar RGB: a gradient, a checkerboard and a disc, so the three differ everywhere in the feature space.
        var px = new byte[3 * Size * Size];
        int plane = Size * Size;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int p = y * Size + x;
                (byte r, byte g, byte b) = k switch
                {
                    0 => ((byte)x, (byte)y, (byte)((x + y) / 2)),
                    1 => ((x / 28 + y / 28) % 2 == 0 ? ((byte)230, (byte)40, (byte)40) : ((byte)20, (byte)20, (byte)200)),
                    _ => ((x - 112) * (x - 112) + (y - 100) * (y - 100) < 60 * 60 ? ((byte)250, (byte)220, (byte)30) : ((byte)30, (byte)90, (byte)30)),
                };
                px[p] = r;
                px[plane + p] = g;
                px[2 * plane + p] = b;
            }
        return px;
    }

    private sealed class ImagePath
    {
        public string Path { get; set; } = "";
    }

    private sealed class Featurized
    {
        [VectorType(512)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void OurFeaturesMatchMlNetsDnnImageFeaturizer()
    {
        var images = Enumerable.Range(0, 3).Select(Image).ToArray();
        var set = new LabeledImages(images.SelectMany(i => i).ToArray(), [0, 0, 0], 3, Size, Size, ["x"], "reference");
        using var ours = new ResNet18FeatureExtractor();
        var mine = ours.Run(set).Features;

        string dir = Directory.CreateTempSubdirectory("resnet-ref").FullName;
        var paths = images.Select((px, i) =>
        {
            string p = Path.Combine(dir, $"{i}.png");
            File.WriteAllBytes(p, PngEncoder.Encode(ImageGrid.Interleave(px, 3, Size * Size), Size, Size, 3));
            return new ImagePath { Path = p };
        }).ToArray();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(paths);
        var pipeline = ml.Transforms.LoadImages("Image", dir, nameof(ImagePath.Path))
            .Append(ml.Transforms.ResizeImages("Image", Size, Size)) // declares the known size ExtractPixels needs; 224 → 224
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels"));
        var reference = ml.Data.CreateEnumerable<Featurized>(pipeline.Fit(data).Transform(data), reuseRowObject: false)
            .SelectMany(r => r.Features).ToArray();

        Assert.Equal(3 * 512, reference.Length);
        double worst = 0;
        for (int i = 0; i < reference.Length; i++)
            worst = Math.Max(worst, Math.Abs(reference[i] - mine[i]) / Math.Max(1.0, Math.Abs(reference[i])));
        Assert.True(worst <= 1e-4, $"largest difference {worst:E2}");
        // The features are not trivially equal (all zero, or one image's for all).
        Assert.True(mine.AsSpan(0, 512).ToArray().Zip(mine.AsSpan(512, 512).ToArray()).Sum(p => Math.Abs(p.First - p.Second)) > 1);
    }
}
