namespace OnnxDiffusion.Classification.Tests;

/// <summary>The resnet18 kind: frozen ImageNet features into a trained head, features computed once per set content.</summary>
public class ResNet18KindTests
{
    private static readonly ClassifierOptions Options = new() { Kind = ClassifierKinds.ResNet18, Seed = 3 };

    [Fact]
    public void LearnsSeparableClassesAndReportsLikeTheOtherKinds()
    {
        var train = SyntheticImages.Patterns(perClass: 10, seed: 1, classes: 3, size: 16, noise: 20);
        var test = SyntheticImages.Patterns(perClass: 4, seed: 2, classes: 3, size: 16, noise: 20);
        var clf = ImageClassifier.Train(ImageSet.FromMemory(train), Options);
        var eval = clf.Evaluate(ImageSet.FromMemory(test));
        Assert.Equal(ClassifierKinds.ResNet18, eval.Classifier);
        Assert.True(eval.Metrics.Accuracy >= 0.75, $"accuracy {eval.Metrics.Accuracy} (chance 0.33)");
        Assert.Equal(3, eval.Metrics.PerClass.Count);
        Assert.Equal(12, eval.Metrics.ConfusionMatrix.Sum(row => row.Sum()));
        Assert.InRange(eval.Metrics.MacroF1, 0, 1);
    }

    [Fact]
    public void TrainingIsDeterministicAndFolderAndMemoryAgree()
    {
        var train = SyntheticImages.Patterns(perClass: 5, seed: 4, classes: 3, size: 12, channels: 3);
        var test = SyntheticImages.Patterns(perClass: 3, seed: 5, classes: 3, size: 12, channels: 3);
        var a = ImageClassifier.Train(ImageSet.FromMemory(train), Options).Predict(ImageSet.FromMemory(test));
        var b = ImageClassifier.Train(ImageSet.FromFolder(SyntheticImages.WriteFolder(train), 3), Options)
            .Predict(ImageSet.FromFolder(SyntheticImages.WriteFolder(test), 3));
        Assert.Equal(a, b);
    }

    [Fact]
    public void ASetIsFeaturizedOncePerContent()
    {
        var train = SyntheticImages.Patterns(perClass: 4, seed: 77, classes: 2, size: 8);
        var test = SyntheticImages.Patterns(perClass: 3, seed: 78, classes: 2, size: 8);
        for (int run = 0; run < 3; run++)
            ImageClassifier.Train(ImageSet.FromMemory(train), Options with { Seed = run }).Evaluate(ImageSet.FromMemory(test));
        // Counted per content, so sets other tests featurize meanwhile do not blur it: three trainings, one computation each.
        Assert.Equal(1, PretrainedFeatures.ResNet18.TimesComputed(ImageSet.FromMemory(train)));
        Assert.Equal(1, PretrainedFeatures.ResNet18.TimesComputed(ImageSet.FromMemory(test)));
        var again = PretrainedFeatures.ResNet18.Of(ImageSet.FromMemory(test));
        Assert.Same(again, PretrainedFeatures.ResNet18.Of(ImageSet.FromMemory(test)));
    }

    [Fact]
    public void TheHeadCanBeLightGbm()
    {
        var train = SyntheticImages.Patterns(perClass: 8, seed: 6, classes: 2, size: 8);
        var clf = ImageClassifier.Train(ImageSet.FromMemory(train),
            Options with { ResNet18 = new ResNet18Options { Head = ClassifierKinds.LightGbm }, LightGbm = new LightGbmOptions { NumberOfIterations = 10, MinimumExampleCountPerLeaf = 2 } });
        Assert.Equal(16, clf.Predict(ImageSet.FromMemory(train)).Length);
    }

    [Fact]
    public void BadInputIsOneLine()
    {
        var rgb = SyntheticImages.Patterns(perClass: 3, seed: 8, classes: 2, size: 8, channels: 3);
        var grey = SyntheticImages.Patterns(perClass: 3, seed: 9, classes: 2, size: 8, channels: 1);
        var clf = ImageClassifier.Train(ImageSet.FromMemory(rgb), Options);
        var shape = Assert.Throws<ClassificationException>(() => clf.Evaluate(ImageSet.FromMemory(grey)));
        Assert.Contains("1×8×8", shape.Message);
        Assert.Contains("3×8×8", shape.Message);
        var missing = SyntheticImages.Patterns(perClass: 3, seed: 10, classes: 3, size: 8, onlyClasses: [0, 1]);
        var small = Assert.Throws<ClassificationException>(() => ImageClassifier.Train(ImageSet.FromMemory(missing), Options));
        Assert.Contains("c2", small.Message);
        var head = Assert.Throws<ClassificationException>(() =>
            ImageClassifier.Train(ImageSet.FromMemory(rgb), Options with { ResNet18 = new ResNet18Options { Head = "svm" } }));
        Assert.Contains("head = 'svm'", head.Message);
        foreach (var ex in new Exception[] { shape, small, head })
            Assert.DoesNotContain('\n', ex.Message);
    }
}
