using System.Diagnostics;
using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;
using Xunit.Abstractions;

namespace OnnxDiffusion.Classification.Tests;

public class ClassifierTrainingTests(ITestOutputHelper output)
{
    private static readonly LabeledImages Train30 = SyntheticImages.Patterns(perClass: 30, seed: 1, source: "train");
    private static readonly LabeledImages Test20 = SyntheticImages.Patterns(perClass: 20, seed: 2, source: "test");

    [Theory]
    [InlineData(ClassifierKinds.MaxEnt)]
    [InlineData(ClassifierKinds.LightGbm)]
    public void SeparablePatternsAreLearned(string kind)
    {
        var clock = Stopwatch.StartNew();
        var classifier = ImageClassifier.Train(ImageSet.FromMemory(Train30), new ClassifierOptions { Kind = kind });
        var eval = classifier.Evaluate(ImageSet.FromMemory(Test20));
        output.WriteLine($"{kind}: train {classifier.TrainingCount} images 1×8×8 in {classifier.TrainingTime.TotalSeconds:F2} s (train + evaluate {clock.Elapsed.TotalSeconds:F2} s), test accuracy {eval.Metrics.Accuracy:F3}, macro-F1 {eval.Metrics.MacroF1:F3}");

        Assert.Equal(kind, eval.Classifier);
        Assert.Equal(300, eval.TrainingCount);
        Assert.Equal(200, eval.Metrics.TestCount);
        Assert.True(eval.Metrics.Accuracy >= 0.9, $"{kind} test accuracy {eval.Metrics.Accuracy}");
        Assert.Equal(200, eval.Metrics.ConfusionMatrix.Sum(r => r.Sum()));
    }

    [Theory]
    [InlineData(ClassifierKinds.MaxEnt, 0.0, 1.0)]
    [InlineData(ClassifierKinds.LightGbm, -1.0, 1.0)]
    public void SameSeedGivesSameResult(string kind, double low, double high)
    {
        var range = new PixelRange(low, high);
        // Few, very noisy training images, so that some test images are misclassified and the matrix is not just its diagonal.
        var train = SyntheticImages.Patterns(perClass: 3, seed: 5, noise: 150);
        var test = ImageSet.FromMemory(SyntheticImages.Patterns(perClass: 20, seed: 6, noise: 150));
        var options = new ClassifierOptions { Kind = kind, Seed = 7, PixelRange = range };
        var a = ImageClassifier.Train(ImageSet.FromMemory(train), options).Evaluate(test);
        var b = ImageClassifier.Train(ImageSet.FromMemory(train), options).Evaluate(test);
        output.WriteLine($"{kind}: 30 noisy training images, test accuracy {a.Metrics.Accuracy:F3} twice");
        Assert.True(a.Metrics.Accuracy < 1, "the check needs errors to compare");
        Assert.Equal(a.Metrics.Accuracy, b.Metrics.Accuracy);
        Assert.Equal(a.Metrics.MacroF1, b.Metrics.MacroF1);
        Assert.Equal(a.Metrics.ConfusionMatrix.Select(r => r.ToArray()), b.Metrics.ConfusionMatrix.Select(r => r.ToArray()));
    }

    [Fact]
    public void UnionOfSetsTrainsOnAllOfThem()
    {
        // Each half lacks five classes: alone it cannot train, together it covers every class.
        var low = SyntheticImages.Patterns(perClass: 30, seed: 3, onlyClasses: [0, 1, 2, 3, 4], source: "low");
        var high = SyntheticImages.Patterns(perClass: 20, seed: 4, onlyClasses: [5, 6, 7, 8, 9], source: "high");

        var ex = Assert.Throws<ClassificationException>(() => ImageClassifier.Train(ImageSet.FromMemory(low)));
        Assert.Contains("'c5' (label 5)", ex.Message);

        string highFolder = SyntheticImages.WriteFolder(high);
        var classifier = ImageClassifier.Train(
            [ImageSet.FromMemory(low), ImageSet.FromFolder(highFolder, 1, low.ClassNames)],
            new ClassifierOptions { Kind = ClassifierKinds.MaxEnt });
        Assert.Equal(150 + 100, classifier.TrainingCount);
        Assert.Equal(new[] { 30, 30, 30, 30, 30, 20, 20, 20, 20, 20 }, classifier.TrainingCountPerClass);
        var eval = classifier.Evaluate(ImageSet.FromMemory(Test20));
        Assert.Equal(new[] { "low", highFolder }, eval.TrainingSets);
        Assert.All(eval.Metrics.PerClassAccuracy, acc => Assert.True(acc >= 0.8, $"per-class accuracy {acc}"));
        Assert.True(eval.Metrics.Accuracy >= 0.9, $"union accuracy {eval.Metrics.Accuracy}");
    }

    [Fact]
    public void EvaluationSerialisesWithSnakeCaseNames()
    {
        var classifier = ImageClassifier.Train(ImageSet.FromMemory(Train30));
        string json = classifier.Evaluate(ImageSet.FromMemory(Test20)).ToJson();
        foreach (var name in new[] { "\"classifier\": \"maxent\"", "\"training_count\": 300", "\"macro_f1\"", "\"per_class\"",
                     "\"confusion_matrix\"", "\"test_count\": 200", "\"pixel_range\": \"zero_to_one\"", "\"training_count_per_class\"" })
            Assert.Contains(name, json);
        Assert.DoesNotContain("PerClassAccuracy", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<ClassifierEvaluation>(json)!;
        Assert.Equal(300, back.TrainingCount);
        Assert.Equal(10, back.Metrics.ConfusionMatrix.Count);
    }

    [Theory]
    [InlineData("maxent")]
    [InlineData("lightgbm")]
    public void ShuffledLabelsTrainAClassifierNearChance(string kind)
    {
        // Sanity invariant of the experiment: labels carry the signal; shuffle them and accuracy falls to chance (0.1).
        var rng = new Random(3);
        var shuffled = Train30.Labels.OrderBy(_ => rng.Next()).ToArray();
        var train = new LabeledImages(Train30.Pixels, shuffled, Train30.Channels, Train30.Height, Train30.Width, Train30.ClassNames, "shuffled");
        var ev = ImageClassifier.Train(ImageSet.FromMemory(train), new ClassifierOptions { Kind = kind }).Evaluate(ImageSet.FromMemory(Test20));
        Assert.InRange(ev.Metrics.Accuracy, 0.0, 0.25);
    }
}
