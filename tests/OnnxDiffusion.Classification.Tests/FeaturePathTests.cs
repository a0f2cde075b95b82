using Microsoft.ML;
using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Classification.Tests;

/// <summary>The ImageFolder path (ML.NET LoadImages → ExtractPixels) and the in-memory path must agree exactly.</summary>
public class FeaturePathTests
{
    /// <summary>Two 16×16 images that between them hold every byte value in every channel.</summary>
    private static LabeledImages EveryByteValue(int channels)
    {
        const int plane = 256;
        var pixels = new byte[2 * channels * plane];
        for (int img = 0; img < 2; img++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    pixels[(img * channels + c) * plane + p] = (byte)(img == 0 ? (p * (2 * c + 1) + 17 * c) % 256 : 255 - p);
        return new LabeledImages(pixels, [0, 1], channels, 16, 16, ["zero", "one"], "every-byte");
    }

    private static float[][] Features(ImageSet set, PixelRange range) =>
        set.ReadFeatures(new MLContext(0), PixelScaling.For(range)).Select(r => r.Features).ToArray();

    private static uint[] Keys(ImageSet set) =>
        set.ReadFeatures(new MLContext(0), PixelScaling.For(PixelRange.ZeroToOne)).Select(r => r.Label).ToArray();

    [Theory]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(1, -1.0, 1.0)]
    [InlineData(3, 0.0, 1.0)]
    [InlineData(3, -1.0, 1.0)]
    [InlineData(1, 0.5, 2.0)]
    public void FolderAndMemoryGiveIdenticalFeatures(int channels, double low, double high)
    {
        var range = new PixelRange(low, high);
        var images = EveryByteValue(channels);
        var folder = ImageSet.FromFolder(SyntheticImages.WriteFolder(images), channels, images.ClassNames);
        var memory = ImageSet.FromMemory(images);

        var f = Features(folder, range);
        var m = Features(memory, range);
        Assert.Equal(2, f.Length);
        for (int i = 0; i < 2; i++)
            Assert.Equal(m[i], f[i]); // exact, bit for bit
        Assert.Equal(Keys(memory), Keys(folder));
        Assert.Equal(channels * 256, m[0].Length);

        // The features are the core library's model input in the same range, up to float rounding ((p − offset)·scale vs p/scale' + low).
        {
            var x = new float[images.ImageSize];
            images.CopyAsModelInput(1, x, range);
            for (int k = 0; k < x.Length; k++)
                Assert.True(Math.Abs(x[k] - m[1][k]) <= 1e-6f, $"value {k}: {x[k]} vs {m[1][k]}");
        }
    }

    [Fact]
    public void FolderAndMemoryGiveIdenticalPredictions()
    {
        var train = SyntheticImages.Patterns(perClass: 4, seed: 11);
        var test = SyntheticImages.Patterns(perClass: 10, seed: 12, source: "test");
        string root = SyntheticImages.WriteFolder(test);
        // The folder lists images class by class, as ImageFolderDataset.Load does; the generated set is in that order too.
        Assert.Equal(test.Labels, ImageFolderDataset.Load(root, 1).Labels);

        foreach (var kind in ClassifierKinds.Names)
        {
            var classifier = ImageClassifier.Train(ImageSet.FromMemory(train), new ClassifierOptions { Kind = kind });
            var fromMemory = classifier.Predict(ImageSet.FromMemory(test));
            var fromFolder = classifier.Predict(ImageSet.FromFolder(root));
            Assert.Equal(fromMemory, fromFolder);
            var evalFolder = classifier.Evaluate(ImageSet.FromFolder(root));
            var evalMemory = classifier.Evaluate(ImageSet.FromMemory(test));
            Assert.Equal(evalMemory.Metrics.ConfusionMatrix.Select(r => r.ToArray()), evalFolder.Metrics.ConfusionMatrix.Select(r => r.ToArray()));
        }
    }

    [Fact]
    public void TrainingFromFolderEqualsTrainingFromMemory()
    {
        var train = SyntheticImages.Patterns(perClass: 4, seed: 13);
        var test = ImageSet.FromMemory(SyntheticImages.Patterns(perClass: 10, seed: 14));
        var fromFolder = ImageClassifier.Train(ImageSet.FromFolder(SyntheticImages.WriteFolder(train)));
        var fromMemory = ImageClassifier.Train(ImageSet.FromMemory(train));
        Assert.Equal(fromMemory.Predict(test), fromFolder.Predict(test));
    }
}
