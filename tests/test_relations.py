"""The relation rules (relations@1: people, structure, deals) through the default pipeline.

Every sentence is invented for these tests (the people do not exist; the organizations are widely
known ones the lexicon lists). Each row is a sentence and a triple the rules must give, or must not
give; the whole default pipeline runs, as `kg build` does.
"""
from __future__ import annotations

import pytest

from kg.pipeline import Pipeline
from kg.extractors.base import fitting_relation
from kg.types import Document, Mention

RULES = "relations@1"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def triples(pipeline: Pipeline, text: str, extractor: str | None = RULES) -> set[tuple[str, str, str]]:
    doc = pipeline(Document(id="t", text=text))
    return {(doc.norm[r.subject.start:r.subject.end], r.predicate, doc.norm[r.object.start:r.object.end])
            for r in doc.relations if extractor is None or r.extractor == extractor}


PEOPLE = [
    ("自…年起担任", "王建国自2018年起担任星河证券董事长。", ("王建国", "worksFor", "星河证券")),
    ("a former post in the next clause", "王建国自2018年起担任星河证券董事长，此前曾在青禾银行任职多年。",
     ("王建国", "worksFor", "青禾银行")),
    ("曾任 glued by jieba to the name's first character", "王建国现任星河证券总裁，曾任青禾银行副行长。",
     ("王建国", "worksFor", "青禾银行")),
    ("a three-character name before 分别 (jieba: 刘|小波|分别)", "青禾银行行长王建国、星河证券总裁刘小波分别致辞。",
     ("刘小波", "worksFor", "星河证券")),
    ("jieba glues 银行行长 into one word", "青禾银行行长王建国、副行长刘小波出席了仪式。", ("王建国", "worksFor", "青禾银行")),
    ("the second post of 银行行长", "青禾银行行长王建国、副行长刘小波出席了仪式。", ("刘小波", "worksFor", "青禾银行")),
    ("after a quote, 大学教授 split", "“利率仍有下行空间。”河州大学教授王建国说。", ("王建国", "worksFor", "河州大学")),
    ("apposition: the person, a comma, the post", "王建国，星河证券首席经济学家。", ("王建国", "worksFor", "星河证券")),
    ("apposition in brackets", "（王建国 青禾银行行长）", ("王建国", "worksFor", "青禾银行")),
    ("title before the name", "招商银行行长王刚表示，今年将加大科技投入。", ("王刚", "worksFor", "招商银行")),
    ("a chain of titles", "中国建设银行党委书记、董事长刘伟出席了发布会。", ("刘伟", "worksFor", "中国建设银行")),
    ("a chief officer title", "中国银行首席信息官王明表示，数字化转型是长期工程。", ("王明", "worksFor", "中国银行")),
    ("据…介绍", "据中国银行副行长陈明介绍，该行已完成系统升级。", ("陈明", "worksFor", "中国银行")),
    ("担任 then the organization", "王芳担任中国工商银行首席风险官。", ("王芳", "worksFor", "中国工商银行")),
    ("出任", "李华出任招商银行副行长。", ("李华", "worksFor", "招商银行")),
    ("加盟", "李明加盟华为。", ("李明", "worksFor", "华为")),
    ("任命…为 a title: the organization that appoints", "招商银行宣布，任命王芳为首席信息官。", ("王芳", "worksFor", "招商银行")),
    ("聘任…担任", "招商银行董事会决定聘任王芳担任行长。", ("王芳", "worksFor", "招商银行")),
    ("于3月履新", "王芳已于3月履新招商银行行长。", ("王芳", "worksFor", "招商银行")),
    ("曾在…任职", "王芳曾在招商银行任职。", ("王芳", "worksFor", "招商银行")),
    ("时任…的", "时任招商银行副行长的王芳出席了发布会。", ("王芳", "worksFor", "招商银行")),
    ("此前曾在…任职: two adverbs", "王芳此前曾在招商银行任职多年。", ("王芳", "worksFor", "招商银行")),
    ("来自…的", "来自招商银行的王芳介绍了相关情况。", ("王芳", "worksFor", "招商银行")),
    ("接任", "王芳接任星河证券总经理。", ("王芳", "worksFor", "星河证券")),
    ("辞去…职务: a post held", "王芳辞去青禾证券总经理职务。", ("王芳", "worksFor", "青禾证券")),
    ("因…辞去该行…职务", "星河银行发布公告称，王五因工作调动辞去该行行长职务。", ("王五", "worksFor", "星河银行")),
    ("a résumé's first line: 张三，现任…", "王芳，女，现任星河银行董事长。", ("王芳", "worksFor", "星河银行")),
    ("the successor of 接替…出任", "王芳将接替李华出任招商银行行长。", ("王芳", "worksFor", "招商银行")),
    ("任命 a name with 强 in it", "招商银行宣布，任命李强为该行副行长。", ("李强", "worksFor", "招商银行")),
    ("the first of two posts (市委常委、某部部长)", "杭州市委常委、统战部部长王芳出任招商银行董事。",
     ("王芳", "worksFor", "杭州市委")),
    ("a title with the subject carried from the sentence before", "招商银行召开发布会。该行副行长王芳介绍了相关情况。",
     ("王芳", "worksFor", "招商银行")),
    ("时任该行: the bank named before, not the agency that fines", "宁波监管局对星河银行罚款80万元，对时任该行行长王芳给予警告。",
     ("王芳", "worksFor", "星河银行")),
    ("其董事长: the company named before", "星河科技有限公司发布公告。其董事长王芳表示将继续投入研发。",
     ("王芳", "worksFor", "星河科技有限公司")),
    ("对相关负责人: the fined bank, not the agency", "宁波监管局对星河银行罚款80万元，并对相关负责人王芳罚款5万元。",
     ("王芳", "worksFor", "星河银行")),
    ("the second person fined (对…王五、副行长李四)", "宁波监管局对星河银行罚款80万元，对时任该行行长王五、副行长李芳给予警告。",
     ("李芳", "worksFor", "星河银行")),
]

STRUCTURE = [
    ("旗下的", "腾讯旗下的微众银行推出了新产品。", ("微众银行", "subsidiaryOf", "腾讯")),
    ("旗下子公司", "中国平安旗下子公司平安科技发布了新平台。", ("平安科技", "subsidiaryOf", "中国平安")),
    ("全资子公司", "阿里巴巴全资子公司蚂蚁集团推出了花呗。", ("蚂蚁集团", "subsidiaryOf", "阿里巴巴")),
    ("a branch named by its place, after its company",
     "国家金融监督管理总局浙江监管局对中国人寿浙江分公司、温州分公司分别罚款50万元。",
     ("浙江分公司", "subOrganizationOf", "中国人寿")),
    ("the second branch of a list",
     "国家金融监督管理总局浙江监管局对中国人寿浙江分公司、温州分公司分别罚款50万元。",
     ("温州分公司", "subOrganizationOf", "中国人寿")),
]

DEALS = [
    ("与…签署战略合作协议", "华为与中国建设银行签署战略合作协议。", ("华为", "cooperatesWith", "中国建设银行")),
    ("与 A、B 签署: the first", "中国工商银行与华为、腾讯签署战略合作协议。", ("中国工商银行", "cooperatesWith", "华为")),
    ("与 A、B 签署: the second", "中国工商银行与华为、腾讯签署战略合作协议。", ("中国工商银行", "cooperatesWith", "腾讯")),
    ("向…战略投资", "腾讯向京东战略投资10亿元。", ("腾讯", "invests", "京东")),
    ("a series' members listed after 包括", "星河银行推出“星河智慧”系列产品，包括“星河e贷”、“青禾通”和“蓝海投”。",
     ("蓝海投", "memberOf", "星河智慧")),
    ("an owner's product launched (的“X”App正式上线)", "星河银行的“星河管家”App正式上线。", ("星河银行", "develops", "星河管家")),
    ("an owner's quoted app (的“X”APP), no launch", "星河证券的“青禾通”APP新增智能选股功能。",
     ("星河证券", "develops", "青禾通")),
    ("推出的X平台 followed by its clause", "星河银行推出的青禾智能风控平台已上线。",
     ("星河银行", "develops", "青禾智能风控平台")),
    ("总行位于", "星河银行总行位于河州市。", ("星河银行", "locatedIn", "河州市")),
    ("A联合B推出X: the partner develops it too", "星河银行联合青禾科技推出“青禾贷”。", ("青禾科技", "develops", "青禾贷")),
    ("作为X旗下的保险公司，Y…", "作为青禾集团旗下的保险公司，星河保险近年来发展迅速。", ("星河保险", "subsidiaryOf", "青禾集团")),
    ("a heading: X｜Y平台正式上线", "星河银行｜青禾云平台正式上线", ("星河银行", "develops", "青禾云平台")),
    ("Y是X的金融科技子公司: a kind of subsidiary", "青禾科技是星河银行的金融科技子公司。", ("青禾科技", "subsidiaryOf", "星河银行")),
    ("投产 a core system", "星河银行投产新一代分布式核心业务系统。", ("星河银行", "develops", "分布式核心业务系统")),
    ("成为X基石投资者", "卡塔尔投资局成为星河证券基石投资者。", ("卡塔尔投资局", "invests", "星河证券")),
    ("Y领投了X的C轮融资", "华平投资领投了青禾科技的C轮融资。", ("华平投资", "invests", "青禾科技")),
    ("由A和B共同出资设立: each founder", "青禾基金由星河证券和河州信托共同出资设立。", ("河州信托", "establishes", "青禾基金")),
    ("quoted apps listed before 等多款APP", "星河证券先后推出了“星智投”、“星财富”等多款APP。",
     ("星河证券", "develops", "星财富")),
    ("以“X”为品牌: the brand is the firm's", "星河银行打造了以“青禾”为品牌的数字金融服务体系。",
     ("星河银行", "develops", "青禾")),
    ("a futures company bought", "星河证券拟收购青禾期货51%股权。", ("星河证券", "acquires", "青禾期货")),
    ("战略投资 a payment firm's short name", "星河集团以5亿元战略投资青禾支付。", ("星河集团", "invests", "青禾支付")),
    ("入股 a consumer-finance firm", "青禾银行入股河禾消费金融，成为其第二大股东。", ("青禾银行", "invests", "河禾消费金融")),
    ("an owner's platform upgraded", "近日，星河银行“青禾云”平台完成升级。", ("星河银行", "develops", "青禾云")),
    ("a heading: X：推出“Y”服务", "星河银行：推出“星河智投”服务", ("星河银行", "develops", "星河智投")),
    ("牵手…，共同打造", "星河银行牵手青禾保险，共同打造养老金融服务平台。", ("星河银行", "cooperatesWith", "青禾保险")),
    ("three founders listed before 共同发起成立", "星河证券、青禾基金和蓝海信托共同发起成立星海资产管理有限公司。",
     ("蓝海信托", "establishes", "星海资产管理有限公司")),
    ("a known company's unit named by its line (京东金融)", "京东金融与兴业银行签署战略合作协议。",
     ("京东金融", "cooperatesWith", "兴业银行")),
    ("an agency grants a licence (向…发出牌照)", "香港金融管理局今日宣布，已向星河银行（香港）有限公司发出虚拟银行牌照。",
     ("香港金融管理局", "regulates", "星河银行(香港)有限公司")),
    ("手机应用程序 does not cut the launch short", "星河银行将推出全新手机应用程序“星河易融”。",
     ("星河银行", "develops", "星河易融")),
    ("对…进行增资", "阿里巴巴对蚂蚁集团进行增资。", ("阿里巴巴", "invests", "蚂蚁集团")),
    ("股东包括 a list: first", "微众银行的股东包括腾讯、百度和阿里巴巴。", ("腾讯", "invests", "微众银行")),
    ("股东包括 a list: last", "微众银行的股东包括腾讯、百度和阿里巴巴。", ("阿里巴巴", "invests", "微众银行")),
    ("收购", "阿里巴巴收购了饿了么。", ("阿里巴巴", "acquires", "饿了么")),
    ("成立", "招商银行成立了招银理财有限责任公司。", ("招商银行", "establishes", "招银理财有限责任公司")),
    ("以N亿元增资X", "腾讯以10亿元增资星河科技有限公司。", ("腾讯", "invests", "星河科技有限公司")),
    ("X获Y战略投资", "星河科技有限公司获腾讯战略投资。", ("腾讯", "invests", "星河科技有限公司")),
    ("完成融资，由A领投", "星河科技有限公司完成B轮融资，由腾讯领投，京东跟投。", ("腾讯", "invests", "星河科技有限公司")),
    ("完成融资，B跟投", "星河科技有限公司完成B轮融资，由腾讯领投，京东跟投。", ("京东", "invests", "星河科技有限公司")),
    ("完成对X的收购", "阿里巴巴完成对星河科技有限公司的收购。", ("阿里巴巴", "acquires", "星河科技有限公司")),
    ("X被Y收购", "星河科技有限公司被阿里巴巴收购。", ("阿里巴巴", "acquires", "星河科技有限公司")),
    ("Y成为X的第一大股东", "腾讯成为星河科技有限公司的第一大股东。", ("腾讯", "invests", "星河科技有限公司")),
    ("A携手B，共同打造X: the partner develops it too", "招商银行携手华为，共同打造“星河链”平台。",
     ("华为", "develops", "星河链")),
    ("由A打造的X", "由招商银行打造的“星河财富”平台正式上线。", ("招商银行", "develops", "星河财富")),
    ("A是B推出的X的用户: B made it", "招商银行是星河科技有限公司推出的“星河云”平台的首批用户。",
     ("星河科技有限公司", "develops", "星河云")),
    ("X是A推出的…", "“星河财富”平台是招商银行推出的财富管理平台。", ("招商银行", "develops", "星河财富")),
    ("X是A设立的全资子公司", "星河科技有限公司是腾讯设立的全资子公司。", ("腾讯", "establishes", "星河科技有限公司")),
    ("获批筹建", "招商银行获批筹建招银理财有限责任公司。", ("招商银行", "establishes", "招银理财有限责任公司")),
    ("全资子公司X正式开业", "招商银行全资子公司招银理财有限责任公司正式开业。",
     ("招商银行", "establishes", "招银理财有限责任公司")),
    ("其全资子公司X成立", "中国银行宣布，其全资子公司中银金融科技有限公司成立。",
     ("中国银行", "establishes", "中银金融科技有限公司")),
    ("批复同意A设立X: the applicant establishes", "中国银保监会批复同意招商银行设立招银理财有限责任公司。",
     ("招商银行", "establishes", "招银理财有限责任公司")),
    ("升级 a product", "招商银行升级了“掌上生活”App。", ("招商银行", "develops", "掌上生活")),
    ("该行还推出: the subject of the sentence before", "招商银行成立于1987年。该行还推出了“星云贷”和“青松贷”。",
     ("招商银行", "develops", "青松贷")),
]

_LICENCES = ("中国人民银行宣布发放数字银行牌照。获得牌照的财团包括招商银行及腾讯财团星河数字银行有限公司、"
             "京东及华为财团青松数字银行有限公司。")
_HOLDERS = "星河科技有限公司的股东持股比例依次为：腾讯持股40%；京东持股30%；张伟持股20%。"

LISTS = [
    ("分别为 after the launch: first", "招商银行推出三款新产品，分别为“星云贷”、“星河贷”和“青松贷”。",
     ("招商银行", "develops", "星云贷")),
    ("分别为 after the launch: last", "招商银行推出三款新产品，分别为“星云贷”、“星河贷”和“青松贷”。",
     ("招商银行", "develops", "青松贷")),
    ("包括 after the launch", "星河银行发布“云端财富”平台，包括“智能投顾”“智能客服”两大产品。",
     ("星河银行", "develops", "智能客服")),
    ("拥有 products", "在零售领域，星河银行拥有“星河掌银”App、“星河e贷”平台。", ("星河银行", "develops", "星河e贷")),
    ("A和B签署协议，共建X: the first", "招商银行和华为签署战略合作协议，共建“金融科技联合实验室”。",
     ("招商银行", "establishes", "金融科技联合实验室")),
    ("A和B签署协议，共建X: the second", "招商银行和华为签署战略合作协议，共建“金融科技联合实验室”。",
     ("华为", "establishes", "金融科技联合实验室")),
    ("A与B共同设立X", "腾讯与京东共同设立星河数字科技有限公司。", ("京东", "establishes", "星河数字科技有限公司")),
    ("A、B及C财团X: a member", "招商银行、中国平安及腾讯财团星河虚拟银行有限公司获得首批牌照。",
     ("中国平安", "establishes", "星河虚拟银行有限公司")),
    ("two consortia: the second's member", _LICENCES, ("华为", "establishes", "青松数字银行有限公司")),
    ("获得牌照的财团包括: the licensing agency regulates the consortium's company", _LICENCES,
     ("中国人民银行", "regulates", "青松数字银行有限公司")),
    ("shareholders item by item: first", _HOLDERS, ("腾讯", "invests", "星河科技有限公司")),
    ("shareholders item by item: second", _HOLDERS, ("京东", "invests", "星河科技有限公司")),
    ("位于P的X: the doer after the relative clause", "位于杭州的星河科技有限公司发布了“星河云”平台。",
     ("星河科技有限公司", "locatedIn", "杭州")),
    ("位于P的X发布了Y", "位于杭州的星河科技有限公司发布了“星河云”平台。", ("星河科技有限公司", "develops", "星河云")),
    ("注册地为", "星河银行成立于2010年，注册地为杭州。", ("星河银行", "locatedIn", "杭州")),
    ("是一家总部设在…的", "星河银行是一家总部设在杭州的城市商业银行。", ("星河银行", "locatedIn", "杭州")),
    ("某公司的T技术", "星河银行的人脸识别技术处于领先水平。", ("星河银行", "usesTechnology", "人脸识别")),
    ("a kind before the name is not a second subject", "附属公司星河人寿与青松科技有限公司签订了合作协议。",
     ("星河人寿", "cooperatesWith", "青松科技有限公司")),
]

NEGATIVE = [
    ("a partner joined in a later clause made nothing", "星河银行推出“青禾贷”，联合青禾科技开展营销。",
     ("青禾科技", "develops", "青禾贷")),
    ("联合成立X: X is founded, no partner", "星河银行与青禾大学联合成立金融科技研究院。",
     ("星河银行", "cooperatesWith", "金融科技研究院")),
    ("what a person says about a former post is no post of theirs", "王建国表示，此前曾在青禾银行任职。",
     ("王建国", "worksFor", "青禾银行")),
    ("apposition with no title: a customer", "王建国，星河证券的客户。", ("王建国", "worksFor", "星河证券")),
    ("a list of people is no apposition", "记者王建国、星河银行行长刘小波。", ("王建国", "worksFor", "星河银行")),
    ("a branch whose name holds another bank is not the branch of the bank before",
     "星河银行推出新产品。青禾银行上海分行因违规被罚款。", ("青禾银行上海分行", "subOrganizationOf", "星河银行")),
    ("展开竞争 is no cooperation", "腾讯与华为展开竞争。", ("腾讯", "cooperatesWith", "华为")),
    ("the agency that fines a person is not the employer", "宁波监管局对星河银行罚款80万元，并对相关负责人王芳罚款5万元。",
     ("王芳", "worksFor", "宁波监管局")),
    ("X是A的…产品 (no verb): no maker read", "“星河财富”平台是招商银行的重要产品，由华为提供技术支持。",
     ("华为", "develops", "星河财富")),
    ("a user of a platform is not its maker", "招商银行是星河科技有限公司推出的“星河云”平台的首批用户。",
     ("招商银行", "develops", "星河云")),
    ("the acquired does not acquire", "星河科技有限公司被阿里巴巴收购。", ("星河科技有限公司", "acquires", "阿里巴巴")),
    ("the company raising money does not invest", "星河科技有限公司完成B轮融资，由腾讯领投，京东跟投。",
     ("星河科技有限公司", "invests", "腾讯")),
    ("a lead investor without a round is nothing (领投 with no 融资)", "腾讯领投了多个项目，京东也参与其中。",
     ("腾讯", "invests", "京东")),
    ("the agency that approves does not establish", "中国银保监会批复同意招商银行设立招银理财有限责任公司。",
     ("中国银保监会", "establishes", "招银理财有限责任公司")),
    ("核准设立: the agency still does not establish", "中国证监会核准设立星河基金管理有限公司。",
     ("中国证监会", "establishes", "星河基金管理有限公司")),
    ("a customer appointed elsewhere is no employee", "中国银行的客户王芳被任命为经理。", ("王芳", "worksFor", "中国银行")),
    ("a consortium's member is not the licence holder", _LICENCES, ("中国人民银行", "regulates", "招商银行")),
    ("a consortium is not its member's company", _LICENCES, ("招商银行", "establishes", "青松数字银行有限公司")),
    ("a shareholder is not owned", _HOLDERS, ("星河科技有限公司", "invests", "腾讯")),
    ("a person is no shareholder organization", _HOLDERS, ("张伟", "invests", "星河科技有限公司")),
    ("a unit with a subject of its own (数据中心位于)", "星河银行成立于2010年。该行数据中心位于贵州。",
     ("星河银行", "locatedIn", "贵州")),
    ("organizations that report are not founders (据A和B介绍)", "据腾讯和京东介绍，星河银行设立了青松科技有限公司。",
     ("腾讯", "establishes", "青松科技有限公司")),
    ("the regulator that fines a branch does not own it",
     "国家金融监督管理总局浙江监管局对中国人寿浙江分公司、温州分公司分别罚款50万元。",
     ("浙江分公司", "subOrganizationOf", "国家金融监督管理总局浙江监管局")),
    ("旗下 belongs to the organization before it, not to the subject",
     "建行将接入蚂蚁集团旗下的支付宝平台。", ("支付宝", "subsidiaryOf", "建行")),
    ("the same, with the full name", "建行将接入蚂蚁集团旗下的支付宝平台。", ("支付宝", "subsidiaryOf", "中国建设银行")),
    ("a customer is not an employee", "中国银行的客户王强办理了业务。", ("王强", "worksFor", "中国银行")),
    ("the cooperation is not reversed by the rules", "华为与中国建设银行签署战略合作协议。",
     ("中国建设银行", "acquires", "华为")),
    ("an investor is not invested in", "腾讯向京东战略投资10亿元。", ("京东", "invests", "腾讯")),
    ("a subsidiary is not the parent", "腾讯旗下的微众银行推出了新产品。", ("腾讯", "subsidiaryOf", "微众银行")),
]


@pytest.mark.parametrize("why, text, triple", PEOPLE + STRUCTURE + DEALS + LISTS,
                         ids=[row[0] for row in PEOPLE + STRUCTURE + DEALS + LISTS])
def test_rules_give(pipeline, why, text, triple):
    assert triple in triples(pipeline, text), why


@pytest.mark.parametrize("why, text, triple", NEGATIVE, ids=[row[0] for row in NEGATIVE])
def test_no_false_relation(pipeline, why, text, triple):
    assert triple not in triples(pipeline, text, extractor=None), why


def test_the_right_parent_of_a_platform(pipeline):
    """In 接入蚂蚁集团旗下的支付宝平台 the parent is 蚂蚁集团, whatever else is found."""
    found = {t for t in triples(pipeline, "建行将接入蚂蚁集团旗下的支付宝平台。", None) if t[1] == "subsidiaryOf"}
    assert found <= {("支付宝", "subsidiaryOf", "蚂蚁集团")}


def test_relations_keep_evidence_and_provenance(pipeline):
    text = "招商银行行长王刚表示，今年将加大科技投入。华为与中国建设银行签署战略合作协议。"
    doc = pipeline(Document(id="t", text=text))
    assert doc.relations
    for r in doc.relations:
        sentence = doc.norm[r.sentence.start:r.sentence.end]
        assert doc.norm[r.subject.start:r.subject.end] in sentence
        assert doc.norm[r.object.start:r.object.end] in sentence
        assert "@" in r.extractor and 0 < r.confidence <= 1


# the check every relation rule shares (kg.extractors.base.fitting_relation)
_BANK = Mention(0, 4, "招商银行", "FinancialInstitution", "t", canonical="招商银行")
_ALIAS = Mention(5, 7, "招行", "FinancialInstitution", "t", canonical="招商银行")
_APP = Mention(8, 12, "掌上生活", "Platform", "t")
_PERSON = Mention(13, 15, "张伟", "Person", "t")


@pytest.mark.parametrize("s, p, o, kept", [
    (_BANK, "develops", _APP, True),
    (_PERSON, "worksFor", _BANK, True),
    (_BANK, "develops", None, False),       # an end is missing
    (None, "develops", _APP, False),
    (_BANK, "develops", _BANK, False),      # the same span
    (_BANK, "cooperatesWith", _ALIAS, False),  # two names of one organization
    (_APP, "develops", _BANK, False),       # a platform develops nothing: outside the domain
    (_BANK, "worksFor", _BANK, False),
])
def test_fitting_relation(s, p, o, kept):
    doc = Document(id="t", text="招商银行。招行、掌上生活与张伟。")
    rel = fitting_relation(doc, s, p, o, 0, 0.7, "x@1")
    assert (rel is not None) == kept
    if kept:
        assert (rel.subject, rel.predicate, rel.object, rel.extractor, rel.confidence) == (s, p, o, "x@1", 0.7)
