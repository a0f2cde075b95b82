namespace OnnxDiffusion.Classification.Tests;

/// <summary>Each kind names its regime, so a report can say which regimes a run covered.</summary>
public class ClassifierRegimeTests
{
    [Theory]
    [InlineData(ClassifierKinds.MaxEnt, ClassifierRegime.PixelModel)]
    [InlineData(ClassifierKinds.LightGbm, ClassifierRegime.PixelModel)]
    [InlineData(ClassifierKinds.ResNet18, ClassifierRegime.FrozenPretrainedFeatures)]
    public void EachKindHasItsRegime(string name, ClassifierRegime regime) =>
        Assert.Equal(regime, ClassifierKinds.RegimeOf(name));

    [Fact]
    public void NamesAreMatchedAsTheOptionsMatchThem() =>
        Assert.Equal(ClassifierRegime.FrozenPretrainedFeatures, ClassifierKinds.RegimeOf(" ResNet18 "));

    [Fact]
    public void EveryKindHasARegime() =>
        Assert.All(ClassifierKinds.Names, n => Assert.NotNull(ClassifierKinds.RegimeOf(n)));

    [Theory]
    [InlineData("svm")]
    [InlineData("")]
    [InlineData(null)]
    public void ANameThatIsNoKindHasNoRegime(string? name) => Assert.Null(ClassifierKinds.RegimeOf(name));
}
