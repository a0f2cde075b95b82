using Microsoft.ML;
using Microsoft.ML.Data;
using OnnxDiffusion.Data;
using TorchSharp;

namespace OnnxDiffusion.Classification.Tests;

/// <summary>The cnn kind: libtorch loads, the network learns, training is deterministic, and its output is ML.NET's scorer columns.</summary>
public class CnnKindTests
{
    // Small and fast: a few seconds per training on the pattern sets.
    private static readonly ClassifierOptions Fast = new()
    {
        Kind = ClassifierKinds.Cnn, Seed = 5,
        Cnn = new CnnOptions { Epochs = 20, Widths = [8], Hidden = 32, Batch = 16 },
    };

    [Fact]
    public void TheNativeLibraryLoads()
    {
        // Fails when libLibTorchSharp.so or libtorch cannot be loaded (on Debian 12: when the build did not mark the
        // GLIBCXX_3.4.32 requirement weak, see Directory.Build.targets).
        TorchRuntime.EnsureLoaded();
        using var t = torch.arange(1, 5, dtype: torch.float32);
        Assert.Equal(10f, t.sum().item<float>());
    }

    [Theory]
    [InlineData(1, 16, 16)]
    [InlineData(3, 12, 9)]
    [InlineData(1, 7, 5)]
    public void LearnsSeparableClassesOfAnyChannelsAndSize(int channels, int height, int width)
    {
        var train = Blobs(perClass: 16, seed: 1, channels, height, width);
        var test = Blobs(perClass: 8, seed: 2, channels, height, width);
        var eval = ImageClassifier.Train(ImageSet.FromMemory(train), Fast).Evaluate(ImageSet.FromMemory(test));
        Assert.Equal(ClassifierKinds.Cnn, eval.Classifier);
        Assert.True(eval.Metrics.Accuracy >= 0.9, $"accuracy {eval.Metrics.Accuracy} (chance 0.25)");
        Assert.Equal(32, eval.Metrics.ConfusionMatrix.Sum(row => row.Sum()));
    }

    [Fact]
    public void TheSameSeedGivesTheSameModelAndAnotherSeedAnother()
    {
        var train = Blobs(perClass: 10, seed: 3, 1, 10, 10);
        var test = Blobs(perClass: 10, seed: 4, 1, 10, 10);
        float[] Scores(ClassifierOptions o) => Transform(train, test, o).GetColumn<float[]>(ScoredColumns.Score).SelectMany(v => v).ToArray();
        var a = Scores(Fast);
        Assert.Equal(a, Scores(Fast));
        Assert.NotEqual(a, Scores(Fast with { Seed = 6 }));
    }

    [Fact]
    public void TrainersOnParallelThreadsGiveWhatTheyGiveAlone()
    {
        // The classification stage trains several classifiers at once; each must start from its own seed's weights.
        var train = Blobs(perClass: 10, seed: 7, 1, 8, 8);
        var test = Blobs(perClass: 5, seed: 8, 1, 8, 8);
        var seeds = new[] { 1, 2, 3, 4 };
        var alone = seeds.Select(s => Predict(train, test, Fast with { Seed = s })).ToArray();
        var together = new int[seeds.Length][];
        Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => together[i] = Predict(train, test, Fast with { Seed = seeds[i] }));
        for (int i = 0; i < seeds.Length; i++)
            Assert.Equal(alone[i], together[i]);
    }

    [Fact]
    public void MLNetsMulticlassEvaluatorReadsItsColumns()
    {
        var train = Blobs(perClass: 12, seed: 9, 1, 8, 8);
        var test = Blobs(perClass: 30, seed: 10, 1, 8, 8);
        var ours = ImageClassifier.Train(ImageSet.FromMemory(train), Fast).Evaluate(ImageSet.FromMemory(test)).Metrics.Accuracy;
        var ml = new MLContext(Fast.Seed);
        var metrics = ml.MulticlassClassification.Evaluate(Transform(train, test, Fast, ml), FeatureColumns.Label, ScoredColumns.Score, FeatureColumns.PredictedLabel);
        Assert.Equal(ours, metrics.MicroAccuracy, 12);
        Assert.True(metrics.LogLoss is > 0 and < 10, $"log-loss {metrics.LogLoss} (the scores must be probabilities)");
    }

    [Fact]
    public void PredictionsDoNotDependOnHowTheSetIsSplit()
    {
        // Scoring runs in batches of 256: 300 images span two batches, their halves one each.
        var train = Blobs(perClass: 10, seed: 11, 1, 8, 8);
        var test = Blobs(perClass: 75, seed: 12, 1, 8, 8);
        var clf = ImageClassifier.Train(ImageSet.FromMemory(train), Fast);
        var whole = clf.Predict(ImageSet.FromMemory(test));
        var first = clf.Predict(ImageSet.FromMemory(Slice(test, 0, 100)));
        var rest = clf.Predict(ImageSet.FromMemory(Slice(test, 100, 200)));
        Assert.Equal(whole, first.Concat(rest).ToArray());
    }

    [Theory]
    [InlineData("epochs", 0)]
    [InlineData("hidden", 0)]
    [InlineData("batch", 0)]
    [InlineData("learning_rate", -1)]
    [InlineData("widths", 0)]
    public void BadOptionsAreOneLineNamingTheOption(string option, double value)
    {
        var o = Fast.Cnn;
        o = option switch
        {
            "epochs" => o with { Epochs = (int)value },
            "hidden" => o with { Hidden = (int)value },
            "batch" => o with { Batch = (int)value },
            "learning_rate" => o with { LearningRate = value },
            _ => o with { Widths = [] },
        };
        var train = Blobs(perClass: 2, seed: 13, 1, 8, 8);
        var ex = Assert.Throws<ClassificationException>(() => ImageClassifier.Train(ImageSet.FromMemory(train), Fast with { Cnn = o }));
        Assert.Contains($"cnn {option}", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void MoreBlocksThanTheImageCanHalveIsRefused()
    {
        var train = Blobs(perClass: 2, seed: 14, 1, 4, 6);
        var ex = Assert.Throws<ClassificationException>(() =>
            ImageClassifier.Train(ImageSet.FromMemory(train), Fast with { Cnn = Fast.Cnn with { Widths = [4, 4, 4] } }));
        Assert.Contains("cnn widths", ex.Message);
        Assert.Contains("at most 2 blocks", ex.Message);
    }

    private static int[] Predict(LabeledImages train, LabeledImages test, ClassifierOptions o) =>
        ImageClassifier.Train(ImageSet.FromMemory(train), o).Predict(ImageSet.FromMemory(test));

    // The kind's own estimator and transformer, run on the feature rows the classifier feeds them.
    private static IDataView Transform(LabeledImages train, LabeledImages test, ClassifierOptions o, MLContext? ml = null)
    {
        ml ??= new MLContext(o.Seed);
        var scaling = PixelScaling.For(o.PixelRange);
        IDataView Rows(LabeledImages set) => ml.Data.LoadFromEnumerable(PixelFeatures.Instance.Read(ImageSet.FromMemory(set), ml, scaling),
            FeatureRow.Schema(set.ImageSize, set.ClassNames.Count));
        var shape = new ImageShape(train.Channels, train.Height, train.Width);
        var model = ClassifierKinds.Get(ClassifierKinds.Cnn).CreateTrainer(ml, o, shape).Fit(Rows(train));
        return model.Transform(Rows(test));
    }

    private static LabeledImages Slice(LabeledImages set, int start, int count) =>
        new(set.Pixels.AsSpan(start * set.ImageSize, count * set.ImageSize).ToArray(), set.Labels[start..(start + count)],
            set.Channels, set.Height, set.Width, set.ClassNames, set.Source);

    /// <summary>
    /// Four classes unchanged by a left–right flip (the kind flips its training images): a bright band across the top,
    /// middle or bottom third of a dark image, or no band; per-image noise of ±40.
    /// </summary>
    private static LabeledImages Blobs(int perClass, int seed, int channels, int height, int width)
    {
        const int classes = 4;
        var rng = new Random(seed);
        int plane = height * width;
        var pixels = new byte[classes * perClass * channels * plane];
        var labels = new int[classes * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i] = i % classes;
            for (int ch = 0; ch < channels; ch++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        bool lit = c < 3 && y * 3 / height == c;
                        pixels[(i * channels + ch) * plane + y * width + x] = (byte)Math.Clamp((lit ? 190 : 50) + rng.Next(-40, 41), 0, 255);
                    }
        }
        return new LabeledImages(pixels, labels, channels, height, width, SyntheticImages.ClassNames(classes), $"blobs{seed}");
    }
}
