using OnnxDiffusion.Data;

namespace OnnxDiffusion.Classification.Tests;

public class BadInputTests
{
    private static ImageSet Set(int perClass = 2, int size = 8, int classes = 3, IEnumerable<int>? only = null, string source = "set") =>
        ImageSet.FromMemory(SyntheticImages.Patterns(perClass, seed: 1, classes: classes, size: size, onlyClasses: only, source: source));

    private static ClassificationException Fails(Action action)
    {
        var ex = Assert.Throws<ClassificationException>(action);
        Assert.IsAssignableFrom<OnnxDiffusionException>(ex);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    [Fact]
    public void UnknownKindListsTheValidOnes()
    {
        var ex = Fails(() => ImageClassifier.Train(Set(), new ClassifierOptions { Kind = "resnet50" }));
        Assert.Contains("unknown classifier kind 'resnet50'", ex.Message);
        Assert.Contains("maxent, lightgbm", ex.Message);
    }

    [Fact]
    public void KindNamesAreCaseInsensitive()
    {
        var classifier = ImageClassifier.Train(Set(), new ClassifierOptions { Kind = " MaxEnt " });
        Assert.Equal(ClassifierKinds.MaxEnt, classifier.Kind);
    }

    [Fact]
    public void DifferentImageSizesAreNamed()
    {
        var ex = Fails(() => ImageClassifier.Train([Set(source: "small"), Set(size: 6, source: "smaller")]));
        Assert.Contains("'smaller' has 1×6×6", ex.Message);
        Assert.Contains("'small' has 1×8×8", ex.Message);
    }

    [Fact]
    public void DifferentClassListsAreNamed()
    {
        var ex = Fails(() => ImageClassifier.Train([Set(source: "three"), Set(classes: 4, source: "four")]));
        Assert.Contains("'four' has classes [c0, c1, c2, c3]", ex.Message);
        Assert.Contains("'three' has [c0, c1, c2]", ex.Message);
    }

    [Fact]
    public void EmptyTrainingSetIsNamed()
    {
        var empty = ImageSet.FromMemory(new LabeledImages([], [], 1, 8, 8, SyntheticImages.ClassNames(3), "nothing"));
        Assert.Contains("training set 'nothing' holds no images", Fails(() => ImageClassifier.Train([Set(), empty])).Message);
        Assert.Contains("no training sets given", Fails(() => ImageClassifier.Train(Array.Empty<ImageSet>())).Message);

        string root = Directory.CreateTempSubdirectory("clsf-empty").FullName;
        Directory.CreateDirectory(Path.Combine(root, "c0"));
        // An empty class folder is already refused when the folder is listed.
        Assert.Contains("holds no .png/.jpg images", Assert.Throws<DataFormatException>(() => ImageSet.FromFolder(root)).Message);
    }

    [Fact]
    public void ClassWithoutTrainingImagesIsNamed()
    {
        var ex = Fails(() => ImageClassifier.Train([Set(only: [0], source: "a"), Set(only: [0], source: "b")]));
        Assert.Contains("classes 'c1' (label 1), 'c2' (label 2) have no training images in 'a' + 'b'", ex.Message);
        ex = Fails(() => ImageClassifier.Train(Set(only: [0, 2])));
        Assert.Contains("class 'c1' (label 1) has no training images", ex.Message);
    }

    [Fact]
    public void TestSetMustMatchTheClassifier()
    {
        var classifier = ImageClassifier.Train(Set());
        Assert.Contains("test set 'other' has 1×6×6", Fails(() => classifier.Evaluate(Set(size: 6, source: "other"))).Message);
        Assert.Contains("test set 'other' has classes [c0, c1, c2, c3]", Fails(() => classifier.Evaluate(Set(classes: 4, source: "other"))).Message);
        var empty = ImageSet.FromMemory(new LabeledImages([], [], 1, 8, 8, SyntheticImages.ClassNames(3), "none"));
        Assert.Contains("test set 'none' holds no images", Fails(() => classifier.Evaluate(empty)).Message);
    }

    [Fact]
    public void InvalidOptionsAreNamed()
    {
        Assert.Contains("threads = 0", Fails(() => ImageClassifier.Train(Set(), new ClassifierOptions { Threads = 0 })).Message);
        Assert.Contains("lightgbm leaves = 1", Fails(() => ImageClassifier.Train(Set(),
            new ClassifierOptions { Kind = ClassifierKinds.LightGbm, LightGbm = new LightGbmOptions { NumberOfLeaves = 1 } })).Message);
    }

    [Fact]
    public void FolderProblemsAreNamed()
    {
        Assert.Contains("2 channels requested", Fails(() => ImageSet.FromFolder(Path.GetTempPath(), 2)).Message);
        string root = SyntheticImages.WriteFolder(SyntheticImages.Patterns(1, seed: 1, classes: 2));
        File.WriteAllBytes(Path.Combine(root, "c1", "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var ex = Assert.Throws<DataFormatException>(() => ImageSet.FromFolder(root));
        Assert.Contains("broken.png", ex.Message);
        Assert.Contains("is not one of the classes", Assert.Throws<DataFormatException>(() => ImageSet.FromFolder(root, 1, ["c0"])).Message);
    }
}
