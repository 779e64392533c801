"""Entity rules for kinds of names that news text holds, on sentences written for these tests."""
from __future__ import annotations

import pytest

from kg.types import Document


def mentions(pipeline, text):
    doc = pipeline(Document(id="t", text=text))
    return {(m.canonical or doc.norm[m.start:m.end], m.cls) for m in doc.mentions}


def surfaces(pipeline, text):
    doc = pipeline(Document(id="t", text=text))
    return {doc.norm[m.start:m.end] for m in doc.mentions}


@pytest.mark.parametrize("text, name, cls", [
    # insurers named by their line of business
    ("今年前三大罚单包括青松人寿因理赔违规遭罚。", "青松人寿", "FinancialInstitution"),
    ("青松產險因車險理賠缺失遭罰。", "青松产险", "FinancialInstitution"),
    ("河谷财险与当地政府签约。", "河谷财险", "FinancialInstitution"),
    # a firm's departments are units, not ministries
    ("该行另类资产投资部负责人出席。", "另类资产投资部", "OrganizationUnit"),
    ("会上，系统研发部总经理介绍了进展。", "系统研发部", "OrganizationUnit"),
    # offices and committees of public bodies
    ("近日，由河州市委网信办主办的论坛召开。", "河州市委网信办", "GovernmentAgency"),
    ("该项目由市国资委牵头、市金融办负责。", "市金融办", "GovernmentAgency"),
    ("该项目由市国资委牵头。", "市国资委", "GovernmentAgency"),
    ("河州市委常委、宣传部部长王一鸣出席。", "河州市委", "GovernmentAgency"),
    ("其中以證期局裁罰金額最多。", "证期局", "GovernmentAgency"),
    # Latin names with a legal form, consortium members
    ("获批的财团包括 Acme Digital Holdings Limited。", "Acme Digital Holdings Limited", "Company"),
    ("另一家是 Harbor Pay Bank。", "Harbor Pay Bank", "FinancialInstitution"),
    ("获得牌照的有青松电讯及河谷财团。", "青松电讯", "Company"),
    # suffixes only public bodies have, with no place word before them
    ("日前，静河法院一审判决驳回起诉。", "静河法院", "GovernmentAgency"),
    ("并积极与青松政府合作发展。", "青松政府", "GovernmentAgency"),
    # a bank's wealth-management company; an adjective as an insurer's brand; a subsidiary's short name
    ("星河银行旗下的河银理财推出了新产品。", "河银理财", "FinancialInstitution"),
    ("集团旗下美好人寿近日宣布上线新系统。", "美好人寿", "FinancialInstitution"),
    ("星河银行零售金融部总经理赵六表示。", "星河银行零售金融部", "OrganizationUnit"),  # a firm's, not a ministry
    ("星河银行手机银行月活跃用户超过7000万。", "星河银行手机银行", "Platform"),       # the bank's app, not a bank
    ("国家金融监督管理总局批复同意李芳担任星河保险总经理。", "李芳", "Person"),   # approved for a post
    ("星河银行发布公告称，王五因工作调动辞去该行行长职务。", "王五", "Person"),   # jieba glues 因 to the name
    # media named as the source of a report
    ("据《财经》杂志报道，星河证券拟赴港上市。", "财经", "Publication"),  # 《》 and 杂志: even a common word
    ("据青禾财经网报道，星河证券拟赴港上市。", "青禾财经网", "Publication"),
])
def test_names_found(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("这是青松人寿近年推进数字化的成果。", "这是青松人寿"),              # copula glued to the name
    ("今年以来青松产险持续发力。", "今年以来青松产险"),                 # time idiom
    ("集团旗下产险公司河谷财产保险股份有限公司发布公告。", "产险公司河谷财产保险股份有限公司"),
    ("发展个人寿险业务。", "个人寿险"),                               # a line of business
    ("河州市委常委、宣传部部长王一鸣出席。", "河州市委常委"),            # a member, not the committee
    ("其中以證期局裁罰金額最多。", "以证期局"),
    ("该项目由市国资委牵头。", "项目由市国资委"),
    ("本次认证基于服务可用性、数据私密性、网络接入性能等技术维度评选。", "服务可用性"),
    ("本次认证基于服务可用性、数据私密性、网络接入性能等技术维度评选。", "网络接入性能"),
    ("该行推出业内首个开放式网络缴费业务平台。", "业内首个开放式网络缴费业务平台"),
    ("由多家银行组成的财团出资。", "多家银行组成的"),
    ("活动由该行承办，多方协办。", "承办"),
    ("In The Group of experts", "The Group"),
    ("王一鸣曾任星河银行副行长。", "曾任"),                          # the adverb 曾 and a verb
    ("《本报》记者获悉，星河证券拟赴港上市。", "本报"),                  # the paper itself
    ("此外，星河银行还与蓝海科技、白云数据等5家企业签署了协议。", "星河银行还"),  # 与 a preposition, not a list mark
    ("双方将共建金融科技实验室。", "共建金融科技实验室"),
    ("星河银行自主研发的智慧风控平台“天眼”已投产。", "智慧风控"),      # describes the quoted name
    ("星河金控董事会通过，由王一鸣接任星河证券董事长。", "王一鸣接任星河证券"),  # a career verb opens no name
    ("监管部门将持续督导银行强化内控。", "督导银行"),
    ("星河银行副行长张一因违规被警告。", "张一因"),                     # 因 (because) after the name
    ("个人理财需求旺盛，银行理财规模下降。", "个人理财"),
    ("个人理财需求旺盛，银行理财规模下降。", "银行理财"),
    ("记者从几家猎头公司了解到，需求回暖。", "猎头公司"),            # a kind of firm, counted
    ("本市第一家小额贷款公司昨日开业。", "小额贷款公司"),
    ("河州银行业金融机构贷款余额增长。", "河州银行"),                # the sector, not a bank
    ("他最爱读《河州三部》。", "河州三部"),                          # a title, not a ministry
    ("甲乙集团副总经理方总出席。", "方总"),                          # a form of address, no name
    ("公关部顾经理表示，将妥善处理。", "顾经理"),
    ("该行邀请100位客户经理参加。", "位客户"),
])
def test_spans_not_found(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


@pytest.mark.parametrize("text, name, cls", [
    ("该行推出业内首个开放式网络缴费业务平台。", "开放式网络缴费业务平台", "Platform"),
    ("中国人寿与甲方签约。", "中国人寿保险（集团）公司", "FinancialInstitution"),  # the lexicon still wins
])
def test_trimmed_names(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text, person", [
    ("股权结构为：乙丙投资有限公司持股30%；丘栋梁持股18.99%。", "丘栋梁"),
    ("曹一和张京均持股2.52%。", "张京"),
    ("本报记者 黄宇航 实习生 郜婷  近期，该行宣布新举措。", "黄宇航"),
    ("本报记者 黄宇航 实习生 郜婷  近期，该行宣布新举措。", "郜婷"),
    ("鉅亨網記者陳于晴 台北", "陈于晴"),
    # a role noun before the name, a speaker's turn at the start of a line
    ("知名建筑师曾巩设计了这座大楼。", "曾巩"),
    ("问：怎么看？\n曾巩：市场会回暖。", "曾巩"),
    # the segmenter cut the given name's last character off (邵启/邦, 何道/洪等)
    ("邵启邦同时也是本报顾问。", "邵启邦"),
    ("在市场上，何道洪等大师的作品受追捧。", "何道洪"),
    # the other items of a list that holds a person
    ("画坛上吴湖帆时现精彩，吴待秋、冯超然已然归入二流。", "冯超然"),
])
def test_people_without_titles(pipeline, text, person):
    assert (person, "Person") in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("曹一和张京均持股2.52%。", "张京均"),
    ("记者从会议上获悉。", "从会议"),
    ("国家曾巩固优势。", "曾巩"),
    ("本报记者 黄宇航 实习生 郜婷  近期，该行宣布新举措。", "郜婷 "),
])
def test_people_not_overgrown(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


def test_defined_short_name_is_the_long_one(pipeline):
    """A short name the text defines is the long name's entity even where a rule finds it alone."""
    text = "河谷财产保险股份有限公司(以下简称“河谷产险”)两家分公司受罚。这已是河谷产险年内第三张罚单。"
    doc = pipeline(Document(id="t", text=text))
    short = [m for m in doc.mentions if doc.norm[m.start:m.end] == "河谷产险"]
    assert len(short) == 2
    assert {m.canonical for m in short} == {"河谷财产保险股份有限公司"}


@pytest.mark.parametrize("text, name, cls", [
    ("该公司包括“智能核保”“极速理赔”两大产品。", "智能核保", "FinancialProduct"),   # a chain of quotes
    ("该公司包括“智能核保”“极速理赔”两大产品。", "极速理赔", "FinancialProduct"),
    ("分别为“环球优选”外币系列、“睿富”权益系列。", "环球优选外币系列", "ProductSeries"),
    ("分别为“环球优选”外币系列、“睿富”权益系列。", "睿富权益系列", "ProductSeries"),
    ("双方共建“金融科技联合实验室”。", "金融科技联合实验室", "OrganizationUnit"),
])
def test_quoted_names(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("他说“卡脖子”问题要解决。", "卡脖子"),
    ("让乡村振兴搭上“新平台”。", "新平台"),          # too generic to be a name
    ("“压舱石”“定盘星”作用明显。", "压舱石"),          # a chain with no telling noun
])
def test_quoted_not_names(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


@pytest.mark.parametrize("text, name, cls", [
    ("近日,中国证监会发布公告。", "中国证券监督管理委员会", "GovernmentAgency"),   # country + a known short name
    ("项目位于河州市青山区柳桥镇,建筑规模17万平方米。", "河州市青山区柳桥镇", "Place"),
    ("近期,位于青山区的甲乙机器人公司开足马力。", "青山区", "Place"),
])
def test_known_and_located_names(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text", [
    "该行位于东部地区。", "该股位于A股市场前列。", "公司落户于此。", "该行位于市中心。",
])
def test_no_place_from_common_nouns(pipeline, text):
    assert not {n for n, c in mentions(pipeline, text) if c == "Place"}


@pytest.mark.parametrize("text, name", [
    ("在机构服务领域,建有知行、BAMS智能信用分析平台、FICC海豚平台;在投行方面", "知行"),
    ("在机构服务领域,建有知行、BAMS智能信用分析平台、FICC海豚平台;在投行方面", "BAMS智能信用分析平台"),
    ("在机构服务领域,建有知行、BAMS智能信用分析平台、FICC海豚平台;在投行方面", "FICC海豚平台"),
    ("该行推出的手机银行6.0版全面优化。", "手机银行6.0版"),
    ("甲乙银行自主研发的丙银丁链已在多个场景落地。", "丙银丁链"),   # a made thing after 研发的
    ("甲乙银行此次推出的信e链，主要服务于供应链金融。", "信e链"),
    ("该行建成了全行统一的数据中台和智能风控平台。", "智能风控平台"),  # two systems joined by 和
    ("该行建成了全行统一的数据中台和智能风控平台。", "数据中台"),
])
def test_platforms_in_enumerations_and_versions(pipeline, text, name):
    assert (name, "Platform") in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("公司业务包括支付、理财、信贷平台。", "支付"),                       # most items are not platforms
    ("形成甲链、乙融等一系列数字供应链平台。", "乙融等一系列数字供应链平台"),  # the head after 等
    ("包括统一门户、移动应用平台三大核心系统。", "移动应用平台三大核心系统"),   # a count before the head
    ("公司发布的2017年半年报显示，营收增长。", "2017年半年报"),             # a date, not a made thing
    ("该行推出的新产品已上线。", "新产品"),                                # dictionary words only
])
def test_no_platform_from_descriptions(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


@pytest.mark.parametrize("text, name, cls", [
    ("董事会由董事长张三及包含中行私人银行部总经理李四在内的董事组成。", "私人银行部", "OrganizationUnit"),
    ("董事会由董事长张三及包含中行私人银行部总经理李四在内的董事组成。", "张三", "Person"),
])
def test_departments_and_glued_conjunctions(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("董事会由董事长张三及包含中行私人银行部总经理李四在内的董事组成。", "中行私人银行"),
    ("董事会由董事长张三及包含中行私人银行部总经理李四在内的董事组成。", "张三及"),
])
def test_departments_not_banks(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


TRADITIONAL_CASES = [
    "今年前三大罚单包括青松人寿因理赔违规遭罚。",
    "近日,中国证监会发布公告。",
    "董事会由董事长张三及包含中行私人银行部总经理李四在内的董事组成。",
    "项目位于河州市青山区柳桥镇,建筑规模17万平方米。",
    "该公司包括“智能核保”“极速理赔”两大产品。",
]


@pytest.mark.parametrize("text", TRADITIONAL_CASES)
def test_traditional_script_finds_the_same_names(pipeline, text):
    """Traditional input is normalized for matching only: same names and classes, offsets on the original."""
    opencc = pytest.importorskip("opencc")
    traditional = opencc.OpenCC("s2t").convert(text)
    assert traditional != text
    doc = pipeline(Document(id="t", text=traditional))
    assert {(m.canonical or doc.norm[m.start:m.end], m.cls) for m in doc.mentions} == mentions(pipeline, text)
    assert all(m.text == traditional[m.start:m.end] for m in doc.mentions)


@pytest.mark.parametrize("text, name", [
    ("卖方深耕拓展投资(北京)有限公司签约。", "深耕拓展投资(北京)有限公司"),     # a role noun before, a place in brackets
    ("甲乙科技（上海）有限公司成立。", "甲乙科技(上海)有限公司"),
])
def test_company_with_place_in_brackets(pipeline, text, name):
    assert (name, "Company") in mentions(pipeline, text)


def test_bracket_with_no_name_before_it(pipeline):
    assert not any(s.endswith("有限公司") for s in surfaces(pipeline, "该公司（北京）有限公司"))


@pytest.mark.parametrize("text, name", [
    ("上海青松投资管理合伙企业(有限合伙)持股4.99%。", "上海青松投资管理合伙企业(有限合伙)"),
    ("该行科技子公司浦甲金科终于正式运作。", "浦甲金科"),
])
def test_partnerships_and_named_subsidiaries(pipeline, text, name):
    assert (name, "Company") in mentions(pipeline, text)


@pytest.mark.parametrize("text", ["该集团子公司众多。", "其子公司负责运营。", "成立合伙企业是趋势。"])
def test_no_company_from_the_category_word(pipeline, text):
    assert not {n for n, c in mentions(pipeline, text) if c == "Company"}


@pytest.mark.parametrize("text, name, cls", [
    ("39岁的行长助理刘小波以拟任副行长身份亮相。", "刘小波", "Person"),        # a title's assistant
    ("京東及怡和財團 Livi VB Limited获批。", "怡和", "Company"),              # 和 inside a member's name
    ("“功能都能在APP实现。”中国人寿研发中心党委书记介绍", "中国人寿研发中心", "OrganizationUnit"),
])
def test_assistants_members_and_owned_units(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text, name, found", [
    ("2023年上线的“青松管家”云财资综合服务平台,聚焦痛点。", "青松管家", True),
    ("他提到“双循环”的发展平台。", "双循环", False),        # 的 between: a description
    ("实现金融业“卡脖子”技术攻关。", "卡脖子", False),
])
def test_quoted_platform_before_a_described_head(pipeline, text, name, found):
    assert ((name, "Platform") in mentions(pipeline, text)) is found


@pytest.mark.parametrize("text, person", [
    ("（记者刘诗平、白洁纯）", "刘诗平"),
    ("（记者刘诗平、白洁纯）", "白洁纯"),
    ("本报记者 王建国 刘小波 报道", "刘小波"),          # names separated by a space
    ("导演陈健携主演吴军出席。", "陈健"),
])
def test_byline_lists_and_glued_verbs(pipeline, text, person):
    assert (person, "Person") in mentions(pipeline, text)


@pytest.mark.parametrize("text, name, bad", [
    ("保险公司停止委托南昌市邮政局代办业务。", "南昌市邮政局", "委托南昌市邮政局"),
    ("签发机关武定县公安局。", "武定县公安局", "机关武定县公安局"),
    ("省公安厅经侦总队总队长黄建华介绍。", "省公安厅经侦总队", "省公安厅"),
])
def test_public_bodies_after_verbs_and_their_squads(pipeline, text, name, bad):
    found = surfaces(pipeline, text)
    assert name in found and bad not in found


def test_descriptor_before_a_quote_wins_over_a_later_app(pipeline):
    text = "该行推出的活期理财产品“朝朝宝”同样依托App运营。"
    assert ("朝朝宝", "FinancialProduct") in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("公司董事张三表示。", "公司"),
    ("董事合伙人梁伯韬也表示。", "董事"),
    ("时任总经理刘小波被警告。", "时任总"),     # a role word and the head of a title the name would cut
    ("高级经理王建国表示。", "高级"),
])
def test_no_person_from_a_noun_or_title_before_a_title(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


def test_a_mention_named_like_a_job_title_is_not_a_job_title_entity(pipeline):
    from kg.stages import merge_entities

    title = next(t for t in pipeline.lexicon.titles if t in pipeline.lexicon.by_name)
    entities = merge_entities([{title: ({"Person": {0.7: 1}}, {title}, set())}], pipeline.lexicon)
    assert entities[title].cls == "Person"  # every class written is a term of the ontology


@pytest.mark.parametrize("text, name, cls", [
    # jieba calls 三元 and 四维 numerals: as a brand they open a name (but 三家, 一批 are counts)
    ("河州三元乳业股份有限公司发布公告。", "河州三元乳业股份有限公司", "Company"),
    ("四维星图科技有限公司成立。", "四维星图科技有限公司", "Company"),
    ("三元集团为其提供担保。", "三元集团", "Company"),
    ("三元股份表示同意。", "三元股份", "Company"),
    # an organization word of jieba's dictionary that ends in an industry word
    ("冀东水泥在河州筹建了一条生产线。", "冀东水泥", "Company"),
    # the partner of a signing named by place and brand (沈阳|甲乙), the other side by its suffix
    ("沈阳青禾与星河信托签署《股权转让协议》。", "沈阳青禾", "Company"),
    # quoted names typed by their own ending or by the product the clause ends with
    ("青禾银行推出“青禾Pay”移动支付服务。", "青禾Pay", "Platform"),
    ("青禾銀行推出「青禾錢包」。", "青禾钱包", "Platform"),
    ("星河证券推出“星智投”智能投顾产品。", "星智投", "FinancialProduct"),
    ("青禾支付推出跨境支付平台StarPay，服务东南亚商户。", "StarPay", "Platform"),   # a Latin name after its kind
    ("青禾云平台已于近日正式上线。", "青禾云平台", "Platform"),       # launched, named by a new word
    # a stock code in brackets vouches for the name before it, even one of common words (好|当家)
    ("5月13日，好当家（600467.SH）盘后公告称。", "好当家", "Company"),
    # products named by a new word before their kind (a verb may stand inside: 青禾|成长|混合基金)
    ("星河银行推出了一款青禾联名信用卡。", "青禾联名信用卡", "FinancialProduct"),
    ("河禾基金旗下的青禾成长混合基金规模超百亿。", "青禾成长混合基金", "FinancialProduct"),
    ("青禾保险推出青禾终身寿险。", "青禾终身寿险", "FinancialProduct"),
    ("是香港上市公司青禾数码(股票代码：0250.HK)旗下的全资子公司。", "青禾数码", "Company"),
    ("该行基于开源区块链平台Hyperledger Fabric打造。", "Hyperledger Fabric", "Platform"),
    # a payment firm's short name before what a firm has (注册资本, 董事长): 支付 alone is a verb
    ("青禾支付注册资本为10亿元。", "青禾支付", "FinancialInstitution"),
    ("青禾集团无偿划拨所持河州建材集团股权。", "河州建材集团", "Company"),   # 所持 opens no name
])
def test_brands_jieba_reads_as_numerals_or_places(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


@pytest.mark.parametrize("text, bad", [
    ("三家银行参与了试点。", "三家银行"),
    ("罚款500万元星河银行并未申辩。", "500万元星河银行"),   # an amount, not a brand
    ("工商银行将抓住新一轮科技革命的机遇。", "新一轮科技"),
    ("河州集团购得青禾集团股权。", "河州集团购得青禾集团"),   # a deal verb inside no name
    ("记者随即致电青禾公司有关人士。", "致电青禾公司"),
    ("该片演员以新人身分签约出道。", "出道"),                 # signing: the object is no party
    ("海洋生物的天堂。", "海洋生物"),                       # a kind, not a firm
    ("原油期货价格上涨。", "原油期货"),
    ("数字人民币平台正式上线。", "数字人民币平台"),                   # a description launched, no name
    ("警方破获这起新型信用卡诈骗案。", "新型信用卡"),                 # a kind of card, no brand
    ("青禾银行信用卡中心推出新卡。", "青禾银行信用卡"),               # the bank's unit, not a card
    ("A股上市公司好当家（600467.SH）发布公告。", "公司好当家"),          # another firm's kind stops the name
    ("该公司是由星河银行发起设立的持牌消费金融公司。", "持牌消费金融公司"),  # a licensed kind of firm
    ("星河保险原保险保费收入达320亿元。", "星河保险原保险"),          # a name, then a term with its suffix
    ("河州农商银行由原河州农信社改制而来。", "河州农商银行由原河州农信社"),  # jieba: 由原
    ("他说“要更好地服务”实体经济产品。", "要更好地服务"),           # a quoted phrase, not a name                       # a contract, not a futures company
    ("华宝投资收购青禾科技。", "华宝"),                       # 投资 read for its object only (战略投资X)
])
def test_counts_deal_verbs_and_kinds_are_no_names(pipeline, text, bad):
    assert bad not in surfaces(pipeline, text)


@pytest.mark.parametrize("text, name, cls", [
    # Taiwan's words for the same technology (s2twp writes them): the lexicon knows them as aliases
    ("星河銀行建成人工智慧平臺。", "人工智能", "Technology"),
    ("青禾證券導入雲端運算與大資料技術。", "云计算", "Technology"),
    ("青禾銀行推出行動支付服務。", "移动支付", "Technology"),
])
def test_taiwan_words_for_technologies(pipeline, text, name, cls):
    assert (name, cls) in mentions(pipeline, text)


def test_taiwan_release_verb_launches(pipeline):
    doc = pipeline(Document(id="t", text="星河保險近日釋出「青禾保」品牌。"))
    assert ("星河保险", "develops", "青禾保") in {(r.subject.canonical or r.subject.text, r.predicate, r.object.text)
                                                 for r in doc.relations}
