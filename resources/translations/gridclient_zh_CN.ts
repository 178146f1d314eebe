<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../gridclient/ui/about.py" line="61"/>
        <source>About GridClient</source>
        <translation>关于网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="63"/>
        <source>GridClient {version}</source>
        <translation>网格通 {version}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="64"/>
        <source>Data directory: {path}</source>
        <translation>数据目录：{path}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="65"/>
        <source>Server: {url}</source>
        <translation>服务器：{url}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="65"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="70"/>
        <source>DEMO MODE: synthetic data; do not enter real residents.</source>
        <translation>演示模式：数据均为合成样例，请勿录入真实居民信息。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="71"/>
        <source>A second client on this computer:</source>
        <translation>在本机再开一个客户端（第二个用户）：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="73"/>
        <source>Demo accounts: worker01, township01, admin (password in the README).</source>
        <translation>演示账号：worker01、township01、admin（密码见 README）。</translation>
    </message>
</context>
<context>
    <name>ActionForm</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="501"/>
        <source>Back to the grid</source>
        <translation>退回网格办理</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="506"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="507"/>
        <source>Choose the grid or a department</source>
        <translation>选择派回网格或职能部门</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="514"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="519"/>
        <source>Choose the grid or type a department name</source>
        <translation>选择网格，或输入部门名称</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="522"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="537"/>
        <source>Assign to</source>
        <translation>派遣给</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="540"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="543"/>
        <source>New deadline</source>
        <translation>新的办理期限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="545"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="546"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="547"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="548"/>
        <source>Instructions</source>
        <translation>批示意见</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="549"/>
        <source>Comment</source>
        <translation>意见说明</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="552"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="553"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="590"/>
        <source>Write a comment for this step.</source>
        <translation>请填写本步骤的意见说明。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="596"/>
        <source>Choose the grid or a department.</source>
        <translation>请选择派回网格或职能部门。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="598"/>
        <source>Choose the grid or type a department.</source>
        <translation>请选择网格或输入部门。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="602"/>
        <source>Choose the resident&apos;s satisfaction.</source>
        <translation>请选择群众满意度。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="606"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
</context>
<context>
    <name>AreaTree</name>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="55"/>
        <source>All my areas ({count} households)</source>
        <translation>我的全部区域（{count} 户）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="57"/>
        <source>All my areas</source>
        <translation>我的全部区域</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="81"/>
        <source>{name} ({count})</source>
        <translation>{name}（{count}）</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="824"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="827"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="384"/>
        <source>The same field was changed on two computers. The later change was saved; the other value is kept here. Choose which one stays.</source>
        <translation>同一项内容在两台电脑上被改成了不同的值。服务器已采用后到的修改，另一个值保存在这里。请选择保留哪一个。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="389"/>
        <source>Show all households</source>
        <translation>显示全部住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="392"/>
        <source>No conflicts to review.</source>
        <translation>没有需要处理的冲突。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="395"/>
        <source>Selected conflict</source>
        <translation>所选冲突</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="409"/>
        <source>Record:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="410"/>
        <source>Field:</source>
        <translation>内容：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="411"/>
        <source>Before both changes:</source>
        <translation>修改前的值：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="414"/>
        <source>Show full numbers</source>
        <translation>显示完整号码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="416"/>
        <source>Show the full numbers; the reveal is recorded in the audit log</source>
        <translation>显示完整号码；查看操作会记入审计日志</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="573"/>
        <location filename="../../gridclient/ui/conflicts.py" line="590"/>
        <source>Keep mine</source>
        <translation>保留我的</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="574"/>
        <location filename="../../gridclient/ui/conflicts.py" line="591"/>
        <source>Keep theirs</source>
        <translation>保留对方的</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="584"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="586"/>
        <source>Mine:</source>
        <translation>我的值：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="588"/>
        <source>Theirs ({user}):</source>
        <translation>对方（{user}）的值：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="594"/>
        <location filename="../../gridclient/ui/conflicts.py" line="595"/>
        <source>{user}&apos;s value:</source>
        <translation>{user} 的值：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="596"/>
        <location filename="../../gridclient/ui/conflicts.py" line="597"/>
        <source>Keep {user}&apos;s value</source>
        <translation>保留 {user} 的值</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="598"/>
        <source>(household not in this computer)</source>
        <translation>（本机没有该住户）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="602"/>
        <source>(the record existed)</source>
        <translation>（记录存在）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="604"/>
        <source> (in use now)</source>
        <translation>（当前采用）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="618"/>
        <source>You have decided; the decision is sent with the next sync.</source>
        <translation>您已作出选择，将在下次同步时发送到服务器。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="622"/>
        <source>Only the grid workers who made one of the two changes, or township staff, may decide this conflict. You can look at it here.</source>
        <translation>只有作出这两次修改之一的网格员或乡镇/街道工作人员可以处理该冲突，您可以在此查看。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="629"/>
        <source>This record was edited on one computer and deleted on another. Keeping the edit restores the record; keeping the deletion drops the edit.</source>
        <translation>该记录在一台电脑上被修改，在另一台电脑上被删除。保留修改将恢复该记录；保留删除将放弃该修改。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="662"/>
        <source>Restore the record with the edit?</source>
        <translation>恢复该记录并保留这次修改吗？</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="664"/>
        <source>Keep the record deleted and drop the edit?</source>
        <translation>保持删除并放弃这次修改吗？</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="667"/>
        <source>Keep “{value}” for {field}? The other value is discarded.</source>
        <translation>“{field}”保留为“{value}”吗？另一个值将被放弃。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="670"/>
        <source>Decide conflict</source>
        <translation>处理冲突</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="115"/>
        <source>Visit coverage this month</source>
        <translation>本月走访覆盖率</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="116"/>
        <source>Households not visited</source>
        <translation>未走访住户</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="119"/>
        <source>in the last %n day(s)</source>
        <translation>
            <numerusform>近 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="124"/>
        <source>Show these households</source>
        <translation>查看这些住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="130"/>
        <source>Open events</source>
        <translation>在办事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="131"/>
        <source>Show open events</source>
        <translation>查看在办事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="135"/>
        <source>Overdue events</source>
        <translation>超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="136"/>
        <source>Show overdue events</source>
        <translation>查看超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="140"/>
        <source>Waiting to sync</source>
        <translation>待同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="142"/>
        <source>Hazards to rectify</source>
        <translation>隐患待整改场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="143"/>
        <source>Show these places</source>
        <translation>查看这些场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="165"/>
        <source>Nothing to show yet</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="170"/>
        <source>No overdue events</source>
        <translation>没有超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="172"/>
        <source>No evaluations in this quarter</source>
        <translation>本季度暂无满意度评价</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="175"/>
        <source>Visit coverage per grid, last %n day(s)</source>
        <translation>
            <numerusform>各网格走访覆盖率（近 %n 天）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="176"/>
        <source>Click a grid for its households not visited</source>
        <translation>点击网格，查看其未走访住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="180"/>
        <source>Events per week, last quarter</source>
        <translation>近一季度每周事件数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="181"/>
        <source>Click a week for the events reported in it</source>
        <translation>点击某一周，查看该周上报的事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="185"/>
        <source>Open overdue events by category</source>
        <translation>在办超期事件（按事项类别）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="186"/>
        <source>Click a category for its overdue events</source>
        <translation>点击类别，查看其超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="190"/>
        <source>Satisfaction, last quarter</source>
        <translation>满意度评价（近一季度）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="191"/>
        <source>Click for the evaluated events</source>
        <translation>点击查看已评价的事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="194"/>
        <source>No open program records</source>
        <translation>暂无在册帮扶记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="196"/>
        <source>No monitoring records</source>
        <translation>暂无防返贫监测记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="201"/>
        <source>Households with an open program record</source>
        <translation>在册帮扶户（有未结束的帮扶记录）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="202"/>
        <source>Click a program for its households</source>
        <translation>点击项目查看相应住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="206"/>
        <source>Poverty-return monitoring by status</source>
        <translation>防返贫监测（按状态）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="207"/>
        <source>Records of every status, cleared ones too</source>
        <translation>含已消除风险的记录</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="282"/>
        <source>places, %n past the deadline</source>
        <translation>
            <numerusform>个场所，其中 %n 个已逾期</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="284"/>
        <source>places</source>
        <translation>个场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="297"/>
        <source>{name}: {visited} of {total} households visited</source>
        <translation>{name}：已走访 {visited} 户，共 {total} 户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="309"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="310"/>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="313"/>
        <source>Week of {start} to {end}: {reported} reported, {closed} closed</source>
        <translation>{start} 至 {end} 这一周：上报 {reported} 件，办结 {closed} 件</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="328"/>
        <source>{name}: %n overdue event(s)</source>
        <translation>
            <numerusform>{name}：超期 %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="338"/>
        <source>%n other categories</source>
        <translation>
            <numerusform>其他 %n 类</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="341"/>
        <source>Click for every overdue event</source>
        <translation>点击查看全部超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="353"/>
        <source>{count} ({percent:.0f}%)</source>
        <translation>{count}（{percent:.0f}%）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="358"/>
        <source>{level}: %n evaluation(s)</source>
        <translation>
            <numerusform>{level}：%n 次评价</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="374"/>
        <source>{program}: %n household(s) with an open record</source>
        <translation>
            <numerusform>{program}：%n 户在册</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="390"/>
        <source>{status}: %n record(s)</source>
        <translation>
            <numerusform>{status}：%n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="263"/>
        <source>{visited} of {total} households visited</source>
        <translation>已走访 {visited} 户，共 {total} 户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="268"/>
        <source>households</source>
        <translation>户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="275"/>
        <source>changes saved on this computer, not yet sent to the server</source>
        <translation>条修改已保存在本机，尚未上传到服务器</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="277"/>
        <source>everything is sent</source>
        <translation>全部已上传</translation>
    </message>
</context>
<context>
    <name>DeleteHouseholdDialog</name>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="1002"/>
        <source>Delete household</source>
        <translation>删除该户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="1004"/>
        <source>Registered by mistake</source>
        <translation>登记错误</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="1005"/>
        <source>Registered twice</source>
        <translation>重复登记</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="1006"/>
        <source>The household no longer exists</source>
        <translation>该户已不存在（注销）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/household_dialog.py" line="1009"/>
        <source>The household and its %n member(s) are marked deleted on every computer after the next sync. Use “Move out” for a household that left.</source>
        <translation>
            <numerusform>该户及其 %n 名成员将在下次同步后在所有电脑上标记为已删除。如果是整户搬走，请使用“迁出”。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="1014"/>
        <source>Write down why the household is deleted.</source>
        <translation>请填写删除该户的原因。</translation>
    </message>
</context>
<context>
    <name>DeletePlaceDialog</name>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="529"/>
        <source>Delete place</source>
        <translation>删除场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="531"/>
        <source>Registered by mistake</source>
        <translation>登记错误</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="532"/>
        <source>Registered twice</source>
        <translation>重复登记</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="533"/>
        <source>Closed down or demolished</source>
        <translation>已歇业或已拆除</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="536"/>
        <source>{name} is marked deleted on every computer after the next sync; its inspection records are kept.</source>
        <translation>下次同步后，{name}将在所有电脑上标记为已删除；其检查记录仍予保留。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="539"/>
        <source>Write down why the place is deleted.</source>
        <translation>请写明删除该场所的原因。</translation>
    </message>
</context>
<context>
    <name>DeleteWithReasonDialog</name>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="393"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="397"/>
        <source>Details (required for “Other”)</source>
        <translation>具体说明（选“其他”时必填）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="402"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="405"/>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="412"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="415"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>DemoBanner</name>
    <message>
        <location filename="../../gridclient/ui/about.py" line="50"/>
        <source>DEMO MODE: synthetic sample data on a demo server on this computer. Do not enter real residents.</source>
        <translation>演示模式：数据均为合成样例，保存在本机内置的演示服务器中。请勿录入真实居民信息。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/about.py" line="54"/>
        <source>Demo server: {url}</source>
        <translation>演示服务器：{url}</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="159"/>
        <source>Your input is kept. Note what you typed, close this window, open it again and redo the change.</source>
        <extracomment>Older eyes on small laptop screens: nothing in a form below this size.</extracomment>
        <translation>您填写的内容仍保留。请记下所填内容，关闭此窗口后重新打开，再修改一次。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="165"/>
        <source>Close this window and refresh the list; the record may have been removed.</source>
        <translation>请关闭此窗口并刷新列表；该记录可能已被删除。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="171"/>
        <source>Your input is kept. Try saving again; if it still fails, contact your IT staff.</source>
        <translation>您填写的内容仍保留。请再保存一次；如仍失败，请联系信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="175"/>
        <source>Saving failed because of an unexpected error ({name}). Your input is kept. Try again; if it still fails, send the log file to your IT staff.</source>
        <translation>保存失败，发生了意外错误（{name}）。您填写的内容仍保留。请重试；如仍失败，请把日志文件发给信息员。</translation>
    </message>
</context>
<context>
    <name>EventDialog</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="769"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="772"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="852"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="779"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="790"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="791"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="792"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="793"/>
        <source>Reported by</source>
        <translation>上报人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="794"/>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="795"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="796"/>
        <source>Handled by</source>
        <translation>处置单位</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="797"/>
        <source>Event number</source>
        <translation>事件编号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="798"/>
        <source>Time limit</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="799"/>
        <source>Household</source>
        <translation>关联户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="800"/>
        <source>Location</source>
        <translation>发生地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="801"/>
        <source>People involved</source>
        <translation>涉及人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="802"/>
        <source>Description</source>
        <translation>事件描述</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="803"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="825"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="827"/>
        <source>Who</source>
        <translation>办理人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="829"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="830"/>
        <source>Comment</source>
        <translation>意见说明</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="832"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="835"/>
        <source>Assigned to</source>
        <translation>派遣对象</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="902"/>
        <source>(new deadline asked: {day})</source>
        <translation>（申请延期至 {day}）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="926"/>
        <source>No further step for your role.</source>
        <translation>您的角色目前没有可办理的步骤。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="944"/>
        <source>{source} (from the patrol of {day})</source>
        <translation>{source}（来自 {day} 的巡查）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="951"/>
        <source>Not numbered yet (the server numbers it at the first sync)</source>
        <translation>待编号（首次同步后由服务器编号）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="979"/>
        <source>{state} (rework round {n} of {max})</source>
        <translation>{state}（第 {n} 轮返工，最多 {max} 轮）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="985"/>
        <source> (extended; originally {deadline})</source>
        <translation>（已延期，原期限 {deadline}）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="989"/>
        <source> · extension to {day} awaiting approval</source>
        <translation> · 延期至 {day} 的申请待审批</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1002"/>
        <source>{hours} hours</source>
        <translation>{hours} 小时</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1004"/>
        <source>same day</source>
        <translation>当天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1006"/>
        <source>{days} working days</source>
        <translation>{days} 个工作日</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1008"/>
        <source>{days} days</source>
        <translation>{days} 天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1011"/>
        <source>{span} (filled in from the catalog when the system was upgraded)</source>
        <translation>{span}（系统升级时按事项清单补记）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1013"/>
        <source>{span} (catalog revision {revision})</source>
        <translation>{span}（事项清单第 {revision} 次修订）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1057"/>
        <source>Extension asked for: to {day} (current deadline {deadline}).</source>
        <translation>申请延期至 {day}（当前期限 {deadline}）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1061"/>
        <source>Current deadline: {deadline}.</source>
        <translation>当前办理期限：{deadline}。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1065"/>
        <source>Unsatisfied reopens the event for rework (round {n} of {max}).</source>
        <translation>选择“不满意”将重新打开事件返工办理（第 {n} 轮，最多 {max} 轮）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1070"/>
        <source>Reworked {n} times: write how the matter was decided; a further unsatisfied evaluation will be final.</source>
        <translation>已返工 {n} 轮：请填写结案说明（如何处理、群众仍不满意时的意见）；此后的“不满意”评价即为最终评价。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1074"/>
        <source>Currently with: {handler}.</source>
        <translation>当前处置单位：{handler}。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="1111"/>
        <source>Saved; updating…</source>
        <translation>已保存，正在更新…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="855"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="869"/>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="897"/>
        <source>{time} (not synced yet)</source>
        <translation>{time}（未同步）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="896"/>
        <source>{time} (refused by the server)</source>
        <translation>{time}（被拒）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="965"/>
        <source>The server refused a step of this laptop: {reason}</source>
        <translation>本机的办理步骤被服务器拒绝（被拒），未计入办理过程：{reason}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="911"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="928"/>
        <source>Event not found</source>
        <translation>找不到该事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="959"/>
        <source>{count} photo(s)</source>
        <translation>{count} 张照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="982"/>
        <source>State: {state}</source>
        <translation>状态：{state}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="983"/>
        <source>Deadline: {deadline}</source>
        <translation>办理期限：{deadline}</translation>
    </message>
</context>
<context>
    <name>EventFilterBar</name>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="184"/>
        <source>Title, description or location</source>
        <translation>标题、描述或地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="194"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="200"/>
        <source>All ledgers</source>
        <translation>全部台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="204"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="209"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="210"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="211"/>
        <source>Open and overdue</source>
        <translation>在办且超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="212"/>
        <source>Finished</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="219"/>
        <source>Overdue only</source>
        <translation>只看超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="221"/>
        <source>Open past the deadline, or finished after it (the 超期 column)</source>
        <translation>在办已过期限，或办结晚于期限（即“超期”列）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="233"/>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="236"/>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="240"/>
        <source>Reported:</source>
        <translation>上报日期：</translation>
    </message>
</context>
<context>
    <name>EventReportDialog</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="225"/>
        <source>Report event</source>
        <translation>上报事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="232"/>
        <source>Type to search categories</source>
        <translation>输入文字查找事项</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="256"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="261"/>
        <source>Resolved on the spot (self-resolve)</source>
        <translation>已当场解决（自处置）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="263"/>
        <source>How it was resolved</source>
        <translation>处置情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="270"/>
        <source>Register event</source>
        <translation>登记事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="271"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="273"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="276"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="277"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="278"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="280"/>
        <source>Description</source>
        <translation>事件描述</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="281"/>
        <source>Location</source>
        <translation>发生地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="282"/>
        <source>People involved</source>
        <translation>涉及人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="283"/>
        <source>Household</source>
        <translation>关联户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="284"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="287"/>
        <source>Resolution</source>
        <translation>处置结果</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="290"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="386"/>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="290"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="294"/>
        <source>Register</source>
        <translation>登记</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="326"/>
        <source>The event catalog is empty. Synchronise once to download it.</source>
        <translation>事项清单为空。请先同步一次以下载事项清单。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="352"/>
        <source>Group: {group} · Time limit: {limits}</source>
        <translation>分类：{group} · 办理时限：{limits}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="364"/>
        <source>This category cannot be self-resolved; report it to the township.</source>
        <translation>该类事项不能自处置，请上报乡镇/街道。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="374"/>
        <source>{hours} hours</source>
        <translation>{hours} 小时</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="376"/>
        <source>same day</source>
        <translation>当天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="378"/>
        <source>{days} working days</source>
        <translation>{days} 个工作日</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="380"/>
        <source>{days} days</source>
        <translation>{days} 天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="386"/>
        <source>Save as self-resolved</source>
        <translation>保存为自处置</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="391"/>
        <source>Choose a category from the list.</source>
        <translation>请从清单中选择事项类别。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="394"/>
        <source>Enter a short title.</source>
        <translation>请填写简短标题。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="399"/>
        <source>Write down how it was resolved.</source>
        <translation>请填写处置情况。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="405"/>
        <source>Choose where the event came from.</source>
        <translation>请选择事件来源。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="411"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
</context>
<context>
    <name>HouseholdDialog</name>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="194"/>
        <source>New household</source>
        <translation>新建住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="194"/>
        <source>Household details</source>
        <translation>住户信息</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="222"/>
        <source>Name and post, e.g. 村支书 张建国</source>
        <translation>姓名和职务，如 村支书 张建国</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="228"/>
        <source>Household tags</source>
        <translation>户标签</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="236"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="238"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="239"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="263"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="241"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="248"/>
        <source>Micro-grid</source>
        <translation>微网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="246"/>
        <source>Cadre in charge</source>
        <translation>包户干部</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="221"/>
        <source>Name and post</source>
        <translation>姓名和职务</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="249"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="255"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="256"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="257"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="259"/>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="262"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="264"/>
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="270"/>
        <source>Add resident…</source>
        <translation>添加成员…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="272"/>
        <source>Edit resident…</source>
        <translation>修改成员…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="274"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="701"/>
        <source>Remove resident</source>
        <translation>删除成员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="276"/>
        <source>Make head of household</source>
        <translation>设为户主</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="282"/>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="298"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="299"/>
        <source>Method</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="300"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="301"/>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="307"/>
        <source>Double-click a visit to see all of it</source>
        <translation>双击走访记录查看全部内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="310"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="311"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="312"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="314"/>
        <source>Deadline</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="318"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="319"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="331"/>
        <source>Program</source>
        <translation>帮扶项目</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="332"/>
        <source>Since</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="333"/>
        <source>Until</source>
        <translation>终止日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="334"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="335"/>
        <source>Risk type</source>
        <translation>风险类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="336"/>
        <source>Measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="338"/>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="345"/>
        <source>Double-click a record to open it</source>
        <translation>双击记录可打开</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="346"/>
        <source>New record…</source>
        <translation>新增记录…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="348"/>
        <source>Open record…</source>
        <translation>打开记录…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="362"/>
        <source>Household and members</source>
        <translation>户信息与成员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="363"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="522"/>
        <source>Programs and monitoring</source>
        <translation>帮扶/监测记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="364"/>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="365"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="367"/>
        <source>Record visit…</source>
        <translation>登记走访…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="369"/>
        <source>Report event…</source>
        <translation>上报事件…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="371"/>
        <source>Move out…</source>
        <translation>迁出…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="373"/>
        <source>The household left: it leaves the lists and figures, its record stays</source>
        <translation>整户迁走：不再出现在列表和统计中，记录保留</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="376"/>
        <source>Delete household…</source>
        <translation>删除该户…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="378"/>
        <source>Registered by mistake or twice: delete with a reason</source>
        <translation>登记错误或重复登记：填写原因后删除</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="387"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="389"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="406"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="459"/>
        <source>This household no longer exists (deleted or moved out of your area).</source>
        <translation>该户已不存在（已删除或已移出您的管辖范围）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="477"/>
        <source>{address} · {grid}</source>
        <translation>{address} · {grid}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="487"/>
        <source>New household · {grid}</source>
        <translation>新建住户 · {grid}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="494"/>
        <source>This household moved out on {date} (to {place}).</source>
        <translation>该户已于 {date} 迁出（迁往 {place}）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="516"/>
        <source>Ongoing</source>
        <translation>在册</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="516"/>
        <source>Ended</source>
        <translation>已终止</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="597"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="610"/>
        <source>The household will move to this grid when you save; its micro-grid is cleared.</source>
        <translation>保存后该户将移到此网格，原微网格将清空。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="699"/>
        <source>Remove {name} from this household? The record is marked deleted when you save.</source>
        <translation>确定从本户删除{name}吗？保存后该成员记录将标记为已删除。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="734"/>
        <source>Former head of household</source>
        <translation>原户主</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="735"/>
        <source>{name} is no longer the head. Their relation to the new head:</source>
        <translation>{name} 不再是户主。其与新户主的关系：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="801"/>
        <source>Enter the address.</source>
        <translation>请填写地址。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="840"/>
        <source>Some fields need attention (shown in red).</source>
        <translation>有些内容需要修改（见红字提示）。</translation>
    </message>
</context>
<context>
    <name>HouseholdPicker</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="138"/>
        <source>Search address, household no., head or pinyin</source>
        <extracomment>Actions whose comment is required (a reason or a result has to be written down). Actions that send the event to a handler (the grid or a department).</extracomment>
        <translation>搜索地址、户号、户主或拼音首字母</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="162"/>
        <source>No. {number}</source>
        <translation>户号 {number}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="184"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/event_dialogs.py" line="193"/>
        <source>%n household(s)</source>
        <translation>
            <numerusform>共 %n 户</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/event_dialogs.py" line="195"/>
        <source>%n match(es)</source>
        <translation>
            <numerusform>匹配 %n 户</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="197"/>
        <source>No household matches</source>
        <translation>没有匹配的住户</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="79"/>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="81"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="85"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="87"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="91"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="95"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="99"/>
        <source>Household</source>
        <translation>户号/住址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="103"/>
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="134"/>
        <location filename="../../gridclient/ui/import_dialog.py" line="448"/>
        <source>Import roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="137"/>
        <source>Import an Excel roster</source>
        <translation>导入Excel花名册</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="140"/>
        <source>The file is checked first and nothing is written until you confirm. Rows with errors are not imported; save them, correct them in Excel and import that file again.</source>
        <translation>先检查文件，确认前不会写入任何数据。有错误的行不会导入：可将其另存，在Excel中改正后再导入。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="148"/>
        <source>No file chosen</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="149"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="158"/>
        <source>The sheet of the workbook that holds the roster</source>
        <translation>花名册所在的工作表</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="161"/>
        <source>Excel file</source>
        <translation>Excel文件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="162"/>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="163"/>
        <source>Into grid</source>
        <translation>导入到网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="168"/>
        <source>Show only rows with errors</source>
        <translation>只显示有错误的行</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="185"/>
        <source>Save rows with errors…</source>
        <translation>导出错误行…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="187"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="189"/>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="192"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="246"/>
        <source>Choose the grid…</source>
        <translation>请选择网格…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="254"/>
        <source>There is no grid in the local data to import into.</source>
        <translation>本地数据中没有可导入的网格。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/import_dialog.py" line="275"/>
        <source>Import %n row(s)</source>
        <translation>
            <numerusform>导入 %n 行</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="323"/>
        <source>Choose roster</source>
        <translation>选择花名册</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="323"/>
        <location filename="../../gridclient/ui/import_dialog.py" line="403"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="334"/>
        <source>Checking {name}…</source>
        <translation>正在检查 {name}…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="357"/>
        <source>Sheet “{sheet}”, header in row {rows}. {ok} row(s) can be imported, {bad} row(s) have errors.</source>
        <translation>工作表“{sheet}”，表头在第 {rows} 行。可导入 {ok} 行，有错误 {bad} 行。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/import_dialog.py" line="369"/>
        <source>%n row(s) to import have a warning: check them before importing.</source>
        <translation>
            <numerusform>可导入的行中有 %n 行有提示，请在导入前核对。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/import_dialog.py" line="377"/>
        <source>%n total, signature or note line(s) below the table skipped.</source>
        <translation>
            <numerusform>已跳过表格下方的合计、签字或说明行 %n 行。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="384"/>
        <source>Columns not imported: {columns}</source>
        <translation>不导入的列：{columns}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="389"/>
        <source>Checked. Nothing has been written yet.</source>
        <translation>检查完毕，尚未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="401"/>
        <source>Save rows with errors</source>
        <translation>导出错误行</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="409"/>
        <source>Saving the rows with errors…</source>
        <translation>正在导出错误行…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="418"/>
        <source>Saved {count} row(s) with their reasons to {path}.</source>
        <translation>已将 {count} 行错误及原因导出到 {path}。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="434"/>
        <source>Import {people} person(s) in about {households} household(s) into {grid}? {bad} row(s) with errors will not be imported.</source>
        <translation>将 {people} 人（约 {households} 户）导入到 {grid}？有错误的 {bad} 行不会导入。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="445"/>
        <source>{count} row(s) have a warning, such as row {line}: {warning}. Import them as they are?</source>
        <translation>有 {count} 行有提示，例如第 {line} 行：{warning}。是否照常导入？</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="451"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="483"/>
        <source>Importing {done} of {total}…</source>
        <translation>正在导入 {done}/{total}…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="489"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="500"/>
        <source>Imported {people} person(s) and {households} new household(s); {ops} change(s) wait to be synced.</source>
        <translation>已导入 {people} 人，新建 {households} 户；{ops} 条变更待同步。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/import_dialog.py" line="537"/>
        <source>The import failed because of an unexpected error ({name}); nothing was written. Try again; if it still fails, send the log file to your IT staff.</source>
        <translation>导入因意外错误（{name}）失败，未写入任何数据。请重试；如仍失败，请将日志文件发给信息化管理员。</translation>
    </message>
</context>
<context>
    <name>InspectionDialog</name>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="425"/>
        <source>Inspection record</source>
        <translation>检查记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="433"/>
        <source>What was checked and found</source>
        <translation>检查了什么、发现了什么</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="436"/>
        <source>Hazards found (empty: none)</source>
        <translation>发现的隐患（无隐患不填）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="437"/>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="443"/>
        <source>The hazards are rectified (recheck)</source>
        <translation>隐患已整改（复查）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="449"/>
        <source>Place</source>
        <translation>场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="450"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="451"/>
        <source>Inspector</source>
        <translation>检查人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="452"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="453"/>
        <source>Hazards</source>
        <translation>发现隐患</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="461"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="462"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="481"/>
        <source>Enter who inspected.</source>
        <translation>请填写检查人。</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="228"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="274"/>
        <source>GridClient locked itself because nobody used it for a while, to protect residents&apos; personal information.
{name}, enter your password to continue.</source>
        <translation>为保护居民个人信息，网格通在一段时间无人操作后已自动锁定。
{name}，请输入密码继续使用。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="239"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="242"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="279"/>
        <source>GridClient was locked on request, to protect residents&apos; personal information.
{name}, enter your password to continue.</source>
        <translation>为保护居民个人信息，网格通已按您的操作手动锁定。
{name}，请输入密码继续使用。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="294"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="298"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="316"/>
        <source>Wrong password. Please try again.</source>
        <translation>密码错误，请重试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="320"/>
        <source>The key file of this computer&apos;s data cannot be read. Please call your IT contact.</source>
        <translation>无法读取本机数据的密钥文件。请联系信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="326"/>
        <source>Could not check the password: {error}</source>
        <translation>无法验证密码：{error}</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../gridclient/ui/login.py" line="106"/>
        <source>The data on this computer is still locked with your previous password. If your password was changed, also enter the previous one (only this once); otherwise check the password and try again.</source>
        <translation>本机数据仍使用以前的密码加密。如果您的密码已被更改，请同时输入以前的密码（只需这一次）；否则请检查密码后重新输入。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="114"/>
        <source>Wrong password. Please check Caps Lock and the input method, then try again.</source>
        <translation>密码错误。请检查大写锁定键和输入法后重新输入。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="118"/>
        <source>The server accepted the password, but it does not open the data on this computer (the password was changed elsewhere). Enter the previous password to unlock offline, or ask your IT contact.</source>
        <translation>服务器接受了该密码，但它无法打开本机数据（密码已在别处修改）。请用原来的密码离线解锁，或联系信息化管理员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="125"/>
        <source>Wrong user name or password. Please check them and try again.</source>
        <translation>用户名或密码错误，请检查后重新输入。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="129"/>
        <source>This account has been disabled. Please contact your administrator.</source>
        <translation>该账号已被停用，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="133"/>
        <source>Your administrator reported this computer lost: the data of this user on it has been deleted. Please contact your administrator.</source>
        <translation>管理员已将本机登记为丢失设备：本机上该用户的数据已被清除。请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="139"/>
        <source>Your administrator has reset your password. Choose a new password of at least 8 characters, enter it twice and log in again.</source>
        <translation>管理员已重置您的密码。请设置一个至少 8 个字符的新密码，输入两次后再次登录。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="146"/>
        <source>This GridClient ({current}) is too old: the server requires version {minimum} or newer. Please ask your IT contact to upgrade it. Changes not yet uploaded can still be uploaded.</source>
        <translation>客户端版本过旧（本机 {current}），服务器要求 {minimum} 或更高版本。请联系信息化管理员升级。未上传的数据仍可上传。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="152"/>
        <source>This GridClient is too old for the server. Please ask your IT contact to upgrade it. Changes not yet uploaded can still be uploaded.</source>
        <translation>客户端版本过旧，服务器不再支持。请联系信息化管理员升级。未上传的数据仍可上传。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="159"/>
        <source>Too many attempts. Please wait {seconds} seconds and try again.</source>
        <translation>尝试次数过多，请等待 {seconds} 秒后再试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="165"/>
        <source>Too many attempts. Please wait {minutes} minute(s) and try again.</source>
        <translation>尝试次数过多，请等待 {minutes} 分钟后再试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="169"/>
        <source>Too many attempts. Please wait a while and try again.</source>
        <translation>尝试次数过多，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="173"/>
        <source>Your login has expired. Enter your password to continue syncing.</source>
        <translation>登录已过期，请输入密码后继续同步。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="177"/>
        <source>The server&apos;s security certificate was not accepted, so the connection was stopped. Please ask your IT contact to check the CA certificate setting and this computer&apos;s date and time.</source>
        <translation>无法验证服务器的安全证书，连接已中止。请联系信息化管理员检查 CA 证书设置和本机的日期时间。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="184"/>
        <source>The server address is not valid (it must start with https://). Please ask your IT contact to check it.</source>
        <translation>服务器地址无效（必须以 https:// 开头），请联系信息化管理员检查。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="190"/>
        <source>Cannot reach the server. Please check the network connection.</source>
        <translation>无法连接服务器，请检查网络连接。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="194"/>
        <source>You can unlock the data on this computer and work offline; changes are uploaded at the next sync.</source>
        <translation>您可以解锁本机数据离线工作，修改会在下次同步时上传。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="201"/>
        <source>The server cannot handle the request right now. Please try again later; your data is saved on this computer.</source>
        <translation>服务器暂时无法处理请求，请稍后重试；数据已保存在本机。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="207"/>
        <source>The server&apos;s answer could not be understood (the network may require a sign-in page, or the server version does not match). Try again later or ask your IT contact.</source>
        <translation>服务器返回的数据无法识别（网络可能需要网页认证，或服务器版本不匹配）。请稍后重试或联系信息化管理员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="214"/>
        <source>There is no data for this user on this computer yet. Log in online once first, with a network connection.</source>
        <translation>本机还没有该用户的数据。请先在联网状态下在线登录一次。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="222"/>
        <source>The operation failed: {error}</source>
        <translation>操作失败：{error}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="225"/>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="258"/>
        <source>GridClient — Log in</source>
        <translation>网格通 — 登录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="264"/>
        <source>Log in to GridClient</source>
        <translation>登录网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="270"/>
        <source>Set by your IT contact</source>
        <translation>由信息化管理员设置</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="272"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="275"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="295"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="298"/>
        <source>Unlock offline</source>
        <translation>离线解锁</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="302"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="307"/>
        <source>Server:</source>
        <translation>服务器：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="308"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="309"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="310"/>
        <location filename="../../gridclient/ui/login.py" line="578"/>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="311"/>
        <location filename="../../gridclient/ui/login.py" line="583"/>
        <source>Repeat new password:</source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="312"/>
        <source>Previous password:</source>
        <translation>以前的密码：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="374"/>
        <source>Enter the server address.</source>
        <translation>请输入服务器地址。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="378"/>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="382"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="410"/>
        <location filename="../../gridclient/ui/login.py" line="622"/>
        <source>The new password must have at least 8 characters.</source>
        <translation>新密码至少需要 8 个字符。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="414"/>
        <location filename="../../gridclient/ui/login.py" line="629"/>
        <source>The two new passwords do not match.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="452"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="478"/>
        <source>Unlocking the data on this computer…</source>
        <translation>正在解锁本机数据…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="494"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="179"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="179"/>
        <source>GridClient (demo)</source>
        <translation>网格通（演示）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="242"/>
        <source>All households</source>
        <translation>全部住户</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="244"/>
        <source>Not visited in %n day(s)</source>
        <translation>
            <numerusform>%n 天未走访</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="255"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="271"/>
        <source>All residents</source>
        <translation>全部人员</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="279"/>
        <source>%n resident(s)</source>
        <translation>
            <numerusform>共 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="281"/>
        <source>Special group:</source>
        <translation>特殊群体：</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="292"/>
        <source>%n visit(s)</source>
        <translation>
            <numerusform>共 %n 条走访</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="307"/>
        <source>%n event(s)</source>
        <translation>
            <numerusform>共 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="377"/>
        <location filename="../../gridclient/ui/main_window.py" line="471"/>
        <source>{name} ({role}) · {scope}</source>
        <translation>{name}（{role}）· {scope}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="389"/>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="390"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="392"/>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="393"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="398"/>
        <location filename="../../gridclient/ui/main_window.py" line="974"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="488"/>
        <source>New visit (Ctrl+N)</source>
        <translation>新增走访 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="491"/>
        <source>Report event (Ctrl+E)</source>
        <translation>上报事件 (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="501"/>
        <source>Search (Ctrl+F)</source>
        <translation>搜索 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="502"/>
        <source>Refresh (F5)</source>
        <translation>刷新 (F5)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="503"/>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="506"/>
        <source>Tab {number}</source>
        <translation>第 {number} 页</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="519"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="533"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="547"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="555"/>
        <source>Export diagnostics bundle…</source>
        <translation>导出诊断包…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="541"/>
        <source>&amp;Reports</source>
        <translation>报表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="248"/>
        <source>All programs</source>
        <translation>全部类别户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="322"/>
        <source>New patrol…</source>
        <translation>新建巡查…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="332"/>
        <source>%n patrol(s)</source>
        <translation>
            <numerusform>%n 次巡查</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="341"/>
        <source>New organization…</source>
        <translation>新建组织…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="346"/>
        <source>%n organization(s)</source>
        <translation>
            <numerusform>%n 个组织</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="357"/>
        <source>New place…</source>
        <translation>新增场所…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="367"/>
        <source>%n place(s)</source>
        <translation>
            <numerusform>%n 处场所</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="394"/>
        <source>Patrols</source>
        <translation>巡查</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="395"/>
        <source>Places</source>
        <translation>场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="396"/>
        <source>Organizations</source>
        <translation>组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="494"/>
        <source>New household (Ctrl+Shift+N)</source>
        <translation>新建住户 (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="499"/>
        <source>A new household in the grid (and micro-grid) selected in the area tree</source>
        <translation>在左侧区域树选中的网格（及微网格）中新建住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="511"/>
        <source>Record a visit to the selected household</source>
        <translation>为选中的住户登记走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="512"/>
        <source>Report an event in the selected grid</source>
        <translation>在选中的网格上报事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="514"/>
        <source>Search households and residents</source>
        <translation>查找住户和人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="515"/>
        <source>Load the lists again</source>
        <translation>重新加载列表</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="516"/>
        <source>Lock the window; your password unlocks it</source>
        <translation>锁定窗口，输入密码解锁</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="534"/>
        <source>Upload my changes and download the server&apos;s</source>
        <translation>上传本机修改并下载服务器的更新</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="542"/>
        <source>Print or export a report…</source>
        <translation>打印或导出报表…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="545"/>
        <source>Import roster…</source>
        <translation>导入花名册…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="549"/>
        <source>User guide</source>
        <translation>用户指南</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="558"/>
        <source>About GridClient…</source>
        <translation>关于网格通…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="617"/>
        <source>Cancel sync</source>
        <translation>取消同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="626"/>
        <source>Open the conflicts to review</source>
        <translation>打开待处理的冲突</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="670"/>
        <source>Export diagnostics bundle</source>
        <translation>导出诊断包</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="672"/>
        <source>Zip archives (*.zip)</source>
        <translation>压缩包 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="691"/>
        <location filename="../../gridclient/ui/main_window.py" line="702"/>
        <source>Diagnostics bundle</source>
        <translation>诊断包</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="693"/>
        <source>The diagnostics bundle was saved to {path}. It holds logs, versions and settings, no personal data. Send it to your IT contact.</source>
        <translation>诊断包已保存到 {path}。其中只有日志、版本和设置信息，不含个人信息。请将其发送给信息化管理员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="703"/>
        <source>The diagnostics bundle could not be saved: {error}</source>
        <translation>诊断包保存失败：{error}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="950"/>
        <source>%n rejected</source>
        <translation>
            <numerusform>被拒 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="952"/>
        <source>Changes the server refused; edit the record to send it again.</source>
        <translation>服务器拒绝的修改；修改该记录后会重新上传。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="955"/>
        <source>%n change(s) waiting to sync</source>
        <translation>
            <numerusform>待同步 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="957"/>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="960"/>
        <source>Last sync: {when}</source>
        <translation>上次同步：{when}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="962"/>
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>冲突 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="976"/>
        <source>Conflicts ({count})</source>
        <translation>冲突 ({count})</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="979"/>
        <source>%n conflict(s) waiting for a decision</source>
        <translation>
            <numerusform>%n 条冲突待处理</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="990"/>
        <source>This computer&apos;s clock is off by {minutes} min; please set it.</source>
        <translation>本机时钟与服务器相差约 {minutes} 分钟，请校准电脑时间</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="995"/>
        <source>%n record(s) could not be stored here</source>
        <translation>
            <numerusform>有 %n 条记录无法保存在本机</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="998"/>
        <source>Times recorded on this computer are corrected by the offset measured at the last sync. Records that could not be stored are listed by “gridclient status”; they are replaced once the server corrects them.</source>
        <translation>本机记录的时间已按上次同步时测得的时差校正。无法保存在本机的记录可用“gridclient status”查看，服务器修正后会自动替换。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1019"/>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1022"/>
        <source>○ Offline</source>
        <translation>○ 离线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1029"/>
        <source>A sync is already running.</source>
        <translation>同步正在进行中。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1034"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1052"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1066"/>
        <source>Uploading photos {done}/{total}</source>
        <translation>正在上传照片 {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1068"/>
        <source>Uploaded {done} of {total} change(s)</source>
        <translation>已上传 {done}/{total} 条修改</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1071"/>
        <source>Downloading the initial data package: {done} of {total} MB</source>
        <translation>正在下载初始数据包：{done} / {total} MB</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1076"/>
        <source>Setting up the initial data package on this computer…</source>
        <translation>正在将初始数据包写入本机…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="1078"/>
        <source>Downloaded %n record(s)</source>
        <translation>
            <numerusform>已下载 %n 条记录</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1103"/>
        <source>Sync finished: {up} uploaded, {down} downloaded.</source>
        <translation>同步完成：上传 {up} 条，下载 {down} 条。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1107"/>
        <source>Sync not finished: {error}</source>
        <translation>同步未完成：{error}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="1112"/>
        <source>Sync finished, but the server refused %n change(s); see the records marked as rejected.</source>
        <translation>
            <numerusform>同步完成，但服务器拒绝了 %n 条修改，请查看标为“被拒”的记录。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1121"/>
        <source>Sync cancelled. What was already synced is kept; sync again to finish.</source>
        <translation>同步已取消。已同步的部分会保留，请再次同步以完成。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1129"/>
        <source>Sync failed: {error}</source>
        <translation>同步失败：{error}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1157"/>
        <source>Could not load the data: {error}</source>
        <translation>无法读取数据：{error}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1168"/>
        <source>Saved on this computer; it is uploaded at the next sync.</source>
        <translation>已保存到本机，下次同步时上传。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1354"/>
        <source>That was the last household in the list.</source>
        <translation>已经是列表中的最后一户。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1420"/>
        <source>Select a household first.</source>
        <translation>请先选择一户。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1443"/>
        <source>Select one grid (or micro-grid) in the area tree first.</source>
        <translation>请先在左侧区域树中选择一个网格（或微网格）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1462"/>
        <source>Saved. The household is in the list.</source>
        <translation>已保存，该户已加入列表。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1469"/>
        <source>Select a grid first.</source>
        <translation>请先选择一个网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1541"/>
        <source>Computer reported lost</source>
        <translation>本机已登记为丢失</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="1572"/>
        <source>{text} ({keys})</source>
        <translation>{text}（{keys}）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="391"/>
        <source>Residents</source>
        <translation>人员</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="262"/>
        <source>%n household(s)</source>
        <translation>
            <numerusform>共 %n 户</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MaskedField</name>
    <message>
        <location filename="../../gridclient/ui/masked_field.py" line="82"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/masked_field.py" line="84"/>
        <source>Show the full number; the reveal is recorded in the audit log</source>
        <translation>显示完整号码；查看操作会记入审计日志</translation>
    </message>
</context>
<context>
    <name>MediationDialog</name>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="116"/>
        <source>New mediation record</source>
        <translation>新增调解记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="116"/>
        <source>Mediation record</source>
        <translation>调解记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="120"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="127"/>
        <source>Name (and post), e.g. 调委会主任 李桂兰</source>
        <translation>姓名（可加职务），如 调委会主任 李桂兰</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="133"/>
        <source>The mediation committee, e.g. 和平村人民调解委员会</source>
        <translation>调解组织，如 和平村人民调解委员会</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="136"/>
        <source>Both sides, e.g. 张某（申请人）、王某</source>
        <translation>纠纷双方，如 张某（申请人）、王某</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="140"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="140"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="140"/>
        <source>What happened</source>
        <translation>调解情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="150"/>
        <source>Add a session</source>
        <translation>添加一次调解</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="152"/>
        <source>Remove session</source>
        <translation>删除所选调解</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="170"/>
        <source>What the parties agreed</source>
        <translation>双方达成的协议内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="173"/>
        <source>Follow-up visit: date, whether the agreement is kept</source>
        <translation>回访日期、协议履行情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="185"/>
        <source>Started on</source>
        <translation>开始调解日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="187"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="188"/>
        <source>Committee</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="190"/>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="192"/>
        <source>Sessions</source>
        <translation>调解经过</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="194"/>
        <source>Outcome</source>
        <translation>调解结果</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="196"/>
        <source>Agreement</source>
        <translation>协议形式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="198"/>
        <source>Agreement text</source>
        <translation>协议内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="200"/>
        <source>Follow-up</source>
        <translation>回访情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="202"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="204"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="208"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="211"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="214"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="244"/>
        <source>At most {n} sessions.</source>
        <translation>最多记录 {n} 次调解。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="310"/>
        <source>Event not found</source>
        <translation>找不到该事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="311"/>
        <source>The event of this mediation is not here.</source>
        <translation>本机没有该调解记录所属的事件。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="313"/>
        <source>not numbered yet</source>
        <translation>待编号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="315"/>
        <source>Mediation of {title} ({number})</source>
        <translation>调解：{title}（{number}）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="340"/>
        <source>This mediation record no longer exists.</source>
        <translation>该调解记录已不存在。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="347"/>
        <source>{count} photo(s) attached</source>
        <translation>已有照片 {count} 张</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="398"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="426"/>
        <source>Remove this mediation record? It disappears on every computer after the next sync.</source>
        <translation>删除这条调解记录？下次同步后，所有电脑上都将不再显示。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/mediation_dialog.py" line="428"/>
        <source>Remove mediation record</source>
        <translation>删除调解记录</translation>
    </message>
</context>
<context>
    <name>MediationSection</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="699"/>
        <source>Started</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="701"/>
        <source>Mediator / committee</source>
        <translation>调解员/组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="704"/>
        <source>Sessions held</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="705"/>
        <source>Outcome</source>
        <translation>调解结果</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="706"/>
        <source>Agreement</source>
        <translation>协议形式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="707"/>
        <source>Follow-up</source>
        <translation>回访情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="714"/>
        <source>Mediation</source>
        <translation>调解</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="716"/>
        <source>New mediation record…</source>
        <translation>新增调解记录…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="718"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="720"/>
        <source>No mediation recorded yet.</source>
        <translation>尚无调解记录。</translation>
    </message>
</context>
<context>
    <name>MoveOutDialog</name>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="950"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="967"/>
        <source>Move out</source>
        <translation>迁出</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="958"/>
        <source>e.g. 县城幸福小区 or 外省务工</source>
        <translation>例如：县城幸福小区、外省务工</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="961"/>
        <source>Moved out on</source>
        <translation>迁出日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="962"/>
        <source>Moved to</source>
        <translation>迁往</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="968"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="975"/>
        <source>The household leaves the lists, figures and rosters; its record, members and history are kept.</source>
        <translation>迁出后该户不再出现在列表、统计和花名册中；其记录、成员和历史均保留。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="992"/>
        <source>Enter where the household moved to.</source>
        <translation>请填写迁往何处。</translation>
    </message>
</context>
<context>
    <name>OrganizationDialog</name>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="73"/>
        <source>New organization</source>
        <translation>新建组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="73"/>
        <source>Organization</source>
        <translation>组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="78"/>
        <source>Add an organization</source>
        <translation>新建组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="78"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="100"/>
        <source>(not given)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="106"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="108"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="109"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="110"/>
        <source>Leader</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="111"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="113"/>
        <source>Members</source>
        <translation>成员数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="114"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="115"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="117"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="120"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="123"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="183"/>
        <source>This organization no longer exists.</source>
        <translation>该组织已不存在。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="192"/>
        <source>There is no grid in the local data.</source>
        <translation>本机数据中没有网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="216"/>
        <source>Enter the organization&apos;s name.</source>
        <translation>请填写组织名称。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="222"/>
        <source>Choose the grid.</source>
        <translation>请选择网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="255"/>
        <source>Remove {name}? It disappears from the lists on every computer after the next sync.</source>
        <translation>删除“{name}”？下次同步后，各台电脑的列表中都将不再显示该组织。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/organization_dialog.py" line="257"/>
        <source>Remove organization</source>
        <translation>删除组织</translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <location filename="../../gridclient/ui/login.py" line="560"/>
        <source>Log in again</source>
        <translation>重新登录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="566"/>
        <source>Your login on the server has expired. Enter your password to continue syncing. Your work on this computer is not affected.</source>
        <translation>服务器上的登录已过期。请输入密码后继续同步。本机上的工作不受影响。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="573"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="590"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="593"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="615"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/login.py" line="634"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
</context>
<context>
    <name>PatrolDialog</name>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="123"/>
        <source>(event not on this computer yet)</source>
        <translation>（本机尚无此事件）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="124"/>
        <source>(number pending)</source>
        <translation>待编号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="156"/>
        <source>New patrol</source>
        <translation>新建巡查</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="156"/>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="337"/>
        <source>Patrol</source>
        <translation>巡查记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="160"/>
        <source>Record a patrol</source>
        <translation>记录一次巡查</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="160"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="169"/>
        <source>From</source>
        <translation>起止时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="170"/>
        <source>Record when the patrol started and ended</source>
        <translation>记录巡查的开始和结束时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="177"/>
        <source>next day</source>
        <translation>次日</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="178"/>
        <source>The patrol ended after midnight, on the next day</source>
        <translation>巡查在午夜后结束，即次日结束</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="187"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="194"/>
        <source>e.g. village office — main street — river bank</source>
        <translation>如：村委会—幸福街—河堤—学校</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="197"/>
        <source>Shops, rental houses, hazard sites looked at</source>
        <translation>查看的商铺、出租屋、隐患点等</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="199"/>
        <source>What was found (or that nothing was wrong)</source>
        <translation>发现的问题（或“未发现异常”）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="208"/>
        <source>Remove photo</source>
        <translation>删除照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="216"/>
        <source>Photos kept with the patrol</source>
        <translation>本次巡查已保存的照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="227"/>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="373"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="228"/>
        <source>Double-click an event to open it</source>
        <translation>双击事件可打开查看</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="230"/>
        <source>Report an event from this patrol…</source>
        <translation>从本次巡查上报事件…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="232"/>
        <source>Saves the patrol, then opens 上报事件; the event is linked to this patrol</source>
        <translation>先保存本次巡查，再打开“上报事件”；上报的事件关联到本次巡查</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="243"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="244"/>
        <source>Patrolled by</source>
        <translation>巡查人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="245"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="246"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="248"/>
        <source>Route</source>
        <translation>巡查路线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="249"/>
        <source>Places</source>
        <translation>巡查地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="250"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="252"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="253"/>
        <source>Events reported</source>
        <translation>上报事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="254"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="257"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="260"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="263"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="314"/>
        <source>Patrol not found</source>
        <translation>找不到巡查记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="315"/>
        <source>This patrol no longer exists.</source>
        <translation>该巡查记录已不存在。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="325"/>
        <source>There is no grid in the local data.</source>
        <translation>本机数据中没有网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="338"/>
        <source>Patrol of {day}</source>
        <translation>{day} 的巡查</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="359"/>
        <source>(photo not downloaded yet)</source>
        <translation>（照片尚未下载）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="431"/>
        <source>Discard changes</source>
        <translation>放弃修改</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="432"/>
        <source>Close without saving what you entered for this patrol?</source>
        <translation>不保存本次巡查中填写的内容，直接关闭？</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="451"/>
        <source>Choose the grid.</source>
        <translation>请选择网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="467"/>
        <source>Write what was found, or that nothing was wrong.</source>
        <translation>请填写发现的问题；没有问题请写“未发现异常”。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="473"/>
        <source>Enter the route or the places patrolled.</source>
        <translation>请填写巡查路线或巡查地点。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="478"/>
        <source>If the patrol ended after midnight, tick “next day”.</source>
        <translation>若巡查在午夜后结束，请勾选“次日”。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="510"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="588"/>
        <source>The event was reported and linked to this patrol.</source>
        <translation>事件已上报，并已关联到本次巡查。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="597"/>
        <source>Remove the patrol of {day}? It disappears from the lists on every computer after the next sync; the events reported from it stay.</source>
        <translation>删除 {day} 的巡查记录？下次同步后，所有电脑的列表中都不再显示；从这次巡查上报的事件保留。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/patrol_dialog.py" line="600"/>
        <source>Remove patrol</source>
        <translation>删除巡查记录</translation>
    </message>
</context>
<context>
    <name>PatrolFilterBar</name>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="379"/>
        <source>Patrolled:</source>
        <translation>巡查日期：</translation>
    </message>
</context>
<context>
    <name>PeriodFilter</name>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="89"/>
        <source>All dates</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="90"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="91"/>
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="92"/>
        <source>Last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="93"/>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="94"/>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="95"/>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="101"/>
        <source>to</source>
        <translation>至</translation>
    </message>
</context>
<context>
    <name>PhotoPicker</name>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="121"/>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="123"/>
        <source>Remove photo</source>
        <translation>删除照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="146"/>
        <source>Choose photos</source>
        <translation>选择照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="148"/>
        <source>Images (*.jpg *.jpeg *.png *.bmp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.bmp)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="228"/>
        <source>Preparing photos…</source>
        <translation>正在处理照片…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="230"/>
        <source>{count} photo(s)</source>
        <translation>{count} 张照片</translation>
    </message>
</context>
<context>
    <name>PlaceDialog</name>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="98"/>
        <source>New place</source>
        <translation>新增场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="98"/>
        <source>Place</source>
        <translation>场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="101"/>
        <source>Add a place</source>
        <translation>新增场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="101"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="105"/>
        <source>e.g. 惠民超市, 幸福路8号出租房, 东塘</source>
        <translation>如 惠民超市、幸福路8号出租房、东塘</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="115"/>
        <source>Owner, manager or landlord</source>
        <translation>经营者、管理人或房东</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="123"/>
        <source>(not graded)</source>
        <translation>（未评定）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="126"/>
        <source>Key place (checked regularly)</source>
        <translation>重点场所（定期检查）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="131"/>
        <source>Micro-grid</source>
        <translation>微网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="137"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="139"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="140"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="141"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="142"/>
        <source>Person in charge</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="143"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="145"/>
        <source>Risk level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="146"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="152"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="153"/>
        <source>Inspector</source>
        <translation>检查人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="154"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="155"/>
        <source>Hazards</source>
        <translation>发现隐患</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="156"/>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="157"/>
        <location filename="../../gridclient/ui/place_dialog.py" line="293"/>
        <source>Rectified</source>
        <translation>已整改</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="167"/>
        <source>Add inspection record…</source>
        <translation>新增检查记录…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="170"/>
        <source>Inspection records can be added once the place is saved.</source>
        <translation>保存场所后即可添加检查记录。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="172"/>
        <location filename="../../gridclient/ui/place_dialog.py" line="311"/>
        <source>No inspection recorded yet.</source>
        <translation>尚无检查记录。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="175"/>
        <source>Inspection records</source>
        <translation>检查记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="179"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="182"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="185"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="247"/>
        <source>This place no longer exists.</source>
        <translation>该场所已不存在。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="262"/>
        <source>There is no grid in the local data.</source>
        <translation>本机数据中还没有网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="273"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="295"/>
        <source>Not yet</source>
        <translation>未整改</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/place_dialog.py" line="309"/>
        <source>%n record(s)</source>
        <translation>
            <numerusform>%n 条记录</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="338"/>
        <source>Enter the place&apos;s name.</source>
        <translation>请填写场所名称。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/place_dialog.py" line="344"/>
        <source>Choose the grid.</source>
        <translation>请选择所属网格。</translation>
    </message>
</context>
<context>
    <name>PlaceFilterBar</name>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="404"/>
        <source>All kinds</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="408"/>
        <source>All places</source>
        <translation>全部场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="409"/>
        <source>Key places</source>
        <translation>重点场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="410"/>
        <source>Risk 较大 or 重大</source>
        <translation>较大及以上风险</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="411"/>
        <source>Hazard not yet rectified</source>
        <translation>隐患待整改</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="413"/>
        <source>Name, address or person in charge</source>
        <translation>名称、地址或负责人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="424"/>
        <source>Kind:</source>
        <translation>类别：</translation>
    </message>
</context>
<context>
    <name>ProgramRecordDialog</name>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="99"/>
        <source>Program record</source>
        <translation>帮扶/监测记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="99"/>
        <source>New program record</source>
        <translation>新增帮扶/监测记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="112"/>
        <source>Which kind of monitored household (its tag)</source>
        <translation>监测对象属于哪一类（即住户标签）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="120"/>
        <location filename="../../gridclient/ui/program_dialog.py" line="242"/>
        <source>Ended</source>
        <translation>已终止</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="127"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="133"/>
        <source>e.g. 落实医疗救助，安排公益性岗位</source>
        <translation>如：落实医疗救助，安排公益性岗位</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="136"/>
        <source>not given</source>
        <translation>未填写</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="137"/>
        <source> yuan</source>
        <translation> 元</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="139"/>
        <source>e.g. 和平镇人民政府</source>
        <translation>如：和平镇人民政府</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="146"/>
        <source>Program</source>
        <translation>帮扶项目</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="147"/>
        <source>Monitored as</source>
        <translation>监测对象类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="149"/>
        <location filename="../../gridclient/ui/program_dialog.py" line="240"/>
        <source>Granted on</source>
        <translation>批准日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="151"/>
        <location filename="../../gridclient/ui/program_dialog.py" line="241"/>
        <source>Stopped on</source>
        <translation>终止日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="153"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="155"/>
        <source>Risk type</source>
        <translation>风险类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="157"/>
        <source>Measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="158"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="159"/>
        <source>Approved by</source>
        <translation>审批单位或审批人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="160"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="163"/>
        <source>Life cycle: identified → assisting → risk cleared (with the date) or risk not cleared (still monitored) or fallen into poverty (with the date).</source>
        <translation>监测流程：已识别 → 帮扶中 → 风险已消除（填写消除日期），或风险未消除（继续监测），或返贫致贫（填写日期）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="174"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="175"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="178"/>
        <source>Delete record…</source>
        <translation>删除记录…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="179"/>
        <source>Entered by mistake: delete it</source>
        <translation>误录时删除此记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="240"/>
        <source>Identified on</source>
        <translation>识别日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="241"/>
        <source>Risk cleared on</source>
        <translation>风险消除日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="242"/>
        <source>Closed</source>
        <translation>已结束监测</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="318"/>
        <source>Delete this {program} record? Only for a record entered by mistake: a program that ended keeps its record with the end date.</source>
        <translation>删除这条{program}记录？仅用于误录的记录：已结束的帮扶应保留记录并填写终止日期。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/program_dialog.py" line="321"/>
        <source>Delete record</source>
        <translation>删除记录</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="22"/>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="25"/>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="31"/>
        <source>Folder</source>
        <comment>Match OS X Finder</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="35"/>
        <source>File Folder</source>
        <comment>Match Windows Explorer</comment>
        <translation>文件夹</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="18"/>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="19"/>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <location filename="../../gridclient/ui/qt_strings.py" line="20"/>
        <source>Page &amp;Set:</source>
        <translation>页面集(&amp;S)：</translation>
    </message>
</context>
<context>
    <name>RefusedRegistrationsBox</name>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="723"/>
        <source>Already registered elsewhere</source>
        <translation>已在别处登记的人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="731"/>
        <source>The server refused these people: their ID number is already registered in another record, and one person is registered only once. Nothing is lost: each entry stays here until you decide.</source>
        <translation>服务器退回了以下人员：其身份证号已在其他记录中登记，同一人只能登记一次。登记内容不会丢失：每一条都保留在这里，直到您作出选择。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="741"/>
        <source>Record: lives here, registered there</source>
        <translation>登记人户分离</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="744"/>
        <source>Registered there, living here: a note on this household instead of a second record</source>
        <translation>户籍在别处、实际住在本户：在本户备注中登记，不再重复建档</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="747"/>
        <source>Request a move</source>
        <translation>申请迁移</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="749"/>
        <source>The record stays where it is; the township moves the person here</source>
        <translation>原记录保持不变，由乡镇/街道把此人迁到本户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="751"/>
        <source>Discard my entry</source>
        <translation>放弃本条登记</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="796"/>
        <source>Record that {name} lives in this household but is registered elsewhere? A note is added to the household and this entry is removed.</source>
        <translation>将{name}登记为人户分离（户籍在别处、实际住在本户）？将在本户备注中记录，并移除本条登记。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="801"/>
        <source>Ask the township to move {name} to this household? The entry stays here until the township has moved the person.</source>
        <translation>申请乡镇/街道将{name}迁入本户？在乡镇/街道完成迁移之前，本条登记保留在这里。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="805"/>
        <source>Discard this entry for {name}?</source>
        <translation>放弃{name}的这条登记？</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="278"/>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="281"/>
        <source>Print or export a report</source>
        <translation>打印或导出报表</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="288"/>
        <source>Group</source>
        <translation>群体</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="299"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="424"/>
        <source>Month</source>
        <translation>按月</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="329"/>
        <source>ID and phone numbers are printed in full (your role may see them).</source>
        <translation>身份证号和电话号码将完整打印（您的角色有权查看）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="292"/>
        <source>Households</source>
        <translation>户类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="294"/>
        <source>All kinds</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="297"/>
        <source>Places</source>
        <translation>场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="305"/>
        <source>All ledgers</source>
        <translation>全部台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="308"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="310"/>
        <source>All categories</source>
        <translation>全部事项</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="311"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="315"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="317"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="320"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="321"/>
        <source>Overdue only</source>
        <translation>只列超期的</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="331"/>
        <source>ID and phone numbers are printed masked.</source>
        <translation>身份证号和电话号码将脱敏打印。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="335"/>
        <source>Masked copy for passing upward</source>
        <translation>脱敏导出（用于向上报送）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="337"/>
        <source>ID, certificate and phone numbers are masked whatever your role.</source>
        <translation>无论角色，身份证号、证件号和电话号码一律打码。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="341"/>
        <source>Report</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="345"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="357"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="368"/>
        <source>Print preview</source>
        <translation>打印预览</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="369"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="370"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="371"/>
        <location filename="../../gridclient/ui/report_dialogs.py" line="825"/>
        <source>Export Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="372"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="415"/>
        <source>Loading areas…</source>
        <translation>正在加载区域…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="425"/>
        <source>Quarter</source>
        <translation>按季度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="426"/>
        <source>Year</source>
        <translation>按年</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="427"/>
        <source>Custom dates</source>
        <translation>自定义起止日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="440"/>
        <source>First quarter</source>
        <translation>第一季度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="441"/>
        <source>Second quarter</source>
        <translation>第二季度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="442"/>
        <source>Third quarter</source>
        <translation>第三季度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="443"/>
        <source>Fourth quarter</source>
        <translation>第四季度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="460"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="474"/>
        <source>Period</source>
        <translation>时间范围</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="539"/>
        <source>{name} (retired)</source>
        <translation>{name}（已停用）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="550"/>
        <source>There are no areas in the local data yet.</source>
        <translation>本地数据中还没有区域。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="636"/>
        <source>As of the day it is printed</source>
        <translation>统计截至打印当日</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="640"/>
        <source>Period: {period}</source>
        <translation>统计期间：{period}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="643"/>
        <source>Period: {name}, {dates}</source>
        <translation>统计期间：{name}，{dates}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="649"/>
        <source>The end date is before the start date: choose an end date on or after it.</source>
        <translation>结束日期早于开始日期：请选择不早于开始日期的结束日期。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="688"/>
        <location filename="../../gridclient/ui/report_dialogs.py" line="701"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="712"/>
        <source>Reading the data: {done} of {total} rows…</source>
        <translation>正在读取数据：{done} / {total} 行…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="713"/>
        <source>Laying out the pages: {done} of {total} rows…</source>
        <translation>正在排版：已排 {done} / {total} 行…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="714"/>
        <source>Writing the pages: {done} of {total}…</source>
        <translation>正在输出页面：第 {done} / {total} 页…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="715"/>
        <source>Writing the Excel file: {done} of {total} rows…</source>
        <translation>正在写入 Excel：{done} / {total} 行…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="718"/>
        <source>Reading the data…</source>
        <translation>正在读取数据…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="800"/>
        <source>A very large report</source>
        <translation>报表过大</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="803"/>
        <source>The preview draws every page at once, and the window does not respond meanwhile: export a PDF and open it instead.</source>
        <translation>打印预览会一次画出所有页面，期间窗口没有响应：建议改为导出 PDF 后打开查看。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="808"/>
        <source>Laying them out takes minutes and much memory, and few printers finish such a job.</source>
        <translation>排版需要数分钟并占用大量内存，打印机也难以一次打完。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="812"/>
        <source>{title} has {rows} rows: hundreds or thousands of pages.</source>
        <translation>{title}共 {rows} 行，达数百至上千页。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="820"/>
        <source>Export it to Excel instead, or print it in parts: a shorter period (a month instead of a year) or a smaller area (one village or grid).</source>
        <translation>建议改为导出 Excel，或分开打印：选择较短的统计期间（按月而不是按年）或较小的范围（一个村/社区或网格）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="828"/>
        <source>Lay out all pages</source>
        <translation>仍然全部排版</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="880"/>
        <source>Print preview — {title}</source>
        <translation>打印预览 — {title}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="887"/>
        <source>{title}: {rows} rows, {pages} pages</source>
        <translation>{title}：{rows} 行，{pages} 页</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="894"/>
        <source>Preparing the preview…</source>
        <translation>正在准备打印预览…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="913"/>
        <source>Laying out the pages…</source>
        <translation>正在排版…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="998"/>
        <source>Preparing the report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1018"/>
        <source>Sent {title} to the printer ({pages} pages).</source>
        <translation>已将{title}发送到打印机（{pages} 页）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1023"/>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1044"/>
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1044"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1056"/>
        <source>Saved {title} to {path} ({pages} pages).</source>
        <translation>已将{title}保存到 {path}（{pages} 页）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1061"/>
        <source>Writing the PDF…</source>
        <translation>正在生成 PDF…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1065"/>
        <source>Export Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1065"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1078"/>
        <source>Saved {title} to {path} ({rows} rows).</source>
        <translation>已将{title}保存到 {path}（{rows} 行）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1083"/>
        <source>Writing the Excel file…</source>
        <translation>正在生成 Excel 文件…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1093"/>
        <source>Export finished</source>
        <translation>导出完成</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1097"/>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1100"/>
        <source>Open folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1121"/>
        <source>{path} could not be opened: no program on this computer opens it.</source>
        <translation>无法打开 {path}：本机没有能打开它的程序。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1236"/>
        <source>The file could not be written ({detail}). Choose another folder or name.</source>
        <translation>无法写入文件（{detail}），请换一个文件夹或文件名。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/report_dialogs.py" line="1247"/>
        <source>The report could not be made because of an unexpected error ({name}). Try again; if it still fails, send the log file to your IT staff.</source>
        <translation>报表因意外错误（{name}）未能生成。请重试；如仍失败，请将日志文件发给信息化管理员。</translation>
    </message>
</context>
<context>
    <name>ResidentForm</name>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="161"/>
        <source>Resident</source>
        <extracomment>How the special-group boxes are laid out (title, groups); sensitive groups last. A key ending in ``_more`` continues the row above without a title of its own. Groups whose roster prints the child&apos;s guardian (监护人, 监护人电话).</extracomment>
        <translation>人员信息</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="161"/>
        <source>New resident</source>
        <translation>新增人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="168"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="424"/>
        <source>18 characters; birth date and gender fill in</source>
        <translation>18 位；出生日期和性别自动填写</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="203"/>
        <source>Open that household</source>
        <translation>打开该户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="208"/>
        <location filename="../../gridclient/ui/resident_form.py" line="216"/>
        <source>(not given)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="245"/>
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="248"/>
        <source>Left behind, children</source>
        <translation>留守、困境儿童</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="249"/>
        <source>Elderly</source>
        <translation>老年人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="250"/>
        <source>Disability, veterans</source>
        <translation>残疾人、优抚、退役军人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="251"/>
        <source>Youth and party</source>
        <translation>青少年与党员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="252"/>
        <source>Special populations (restricted)</source>
        <translation>特殊人群（限权查看）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="266"/>
        <source>Calculated from the birth date</source>
        <translation>按出生日期自动计算</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="270"/>
        <source>Counted only within its ages</source>
        <translation>仅在规定年龄内计入</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="275"/>
        <source>(category)</source>
        <translation>（残疾类别）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="282"/>
        <source>(grade)</source>
        <translation>（残疾等级）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="296"/>
        <source>Disability certificate number</source>
        <translation>残疾证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="301"/>
        <source>Disability</source>
        <translation>残疾情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="309"/>
        <source>Guardian: relation and name</source>
        <translation>监护人：关系和姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="318"/>
        <source>Guardian&apos;s phone</source>
        <translation>监护人电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="322"/>
        <source>Guardian</source>
        <translation>监护人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="342"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="343"/>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="347"/>
        <source>Document</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="348"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="359"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="359"/>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="362"/>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="362"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="366"/>
        <source>Population type</source>
        <translation>人口类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="367"/>
        <source>Residence status</source>
        <translation>人户状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="369"/>
        <source>Workplace / school</source>
        <translation>工作单位/学校</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="370"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="376"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="377"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="426"/>
        <source>Letters and digits as on the document</source>
        <translation>按证件上的字母和数字填写</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="487"/>
        <source>{name} in this household already has this ID number. Check whether it is the same person.</source>
        <translation>本户的{name}已使用此身份证号码，请核实是否为同一人。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="501"/>
        <source> (and {count} more)</source>
        <translation>（另有 {count} 人）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="504"/>
        <source>This ID number is already registered for {name} at {address}{others}. It may be the same person: check before saving; nothing is merged.</source>
        <translation>此身份证号码已登记在“{address}”的{name}名下{others}。可能是同一人，请核实后再保存；系统不会自动合并。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="566"/>
        <source>Enter the name.</source>
        <translation>请填写姓名。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="570"/>
        <source>Choose the relation to the head of household.</source>
        <translation>请选择与户主的关系。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="595"/>
        <source>Guardian&apos;s phone: {problem}</source>
        <translation>监护人电话：{problem}</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../gridclient/ui/search.py" line="30"/>
        <source>Search name, ID number (or its last digits), phone, address, pinyin (Ctrl+F)</source>
        <translation>搜索姓名、身份证号（或末几位）、电话、地址、拼音首字母 (Ctrl+F)</translation>
    </message>
</context>
<context>
    <name>SyncTexts</name>
    <message numerus="yes">
        <location filename="../../gridclient/ui/conflicts.py" line="863"/>
        <source>%n conflict(s), &lt;a href=&apos;conflicts&apos;&gt;click to review&lt;/a&gt;</source>
        <translation>
            <numerusform>有 %n 项冲突，&lt;a href=&apos;conflicts&apos;&gt;点击查看&lt;/a&gt;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/conflicts.py" line="866"/>
        <source>%n conflict(s) to review</source>
        <translation>
            <numerusform>有 %n 项冲突待处理</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/conflicts.py" line="871"/>
        <source>%n item(s) refused by the server</source>
        <translation>
            <numerusform>有 %n 项被服务器拒绝（被拒）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="875"/>
        <source>&lt;a href=&apos;conflicts&apos;&gt;Choose what to do&lt;/a&gt;</source>
        <translation>&lt;a href=&apos;conflicts&apos;&gt;选择处理方式&lt;/a&gt;</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/conflicts.py" line="878"/>
        <source>%n item(s) waiting to sync</source>
        <translation>
            <numerusform>有 %n 项待同步</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="882"/>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
</context>
<context>
    <name>UserGuideWindow</name>
    <message>
        <location filename="../../gridclient/ui/help.py" line="64"/>
        <source>User guide — GridClient</source>
        <extracomment>Screenshots wider than this are shown scaled down (they are 1366 px wide).</extracomment>
        <translation>用户指南 — 网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/help.py" line="71"/>
        <source>Find in the guide (Ctrl+F)</source>
        <translation>在指南中查找（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/help.py" line="74"/>
        <source>Find next</source>
        <translation>查找下一个</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/help.py" line="98"/>
        <source>The user guide could not be found ({path}). The installation may be incomplete: ask your IT contact.</source>
        <translation>找不到用户指南（{path}）。安装可能不完整，请联系信息员。</translation>
    </message>
</context>
<context>
    <name>VisitDetailDialog</name>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="95"/>
        <source>Visit</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="97"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="116"/>
        <source>Date and time (Beijing)</source>
        <translation>走访时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="117"/>
        <source>Method</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="118"/>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="119"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="120"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="121"/>
        <source>Needs</source>
        <translation>群众诉求</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="122"/>
        <source>Follow-up</source>
        <translation>后续跟进</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="123"/>
        <source>Received by the server</source>
        <translation>服务器接收时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="129"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="132"/>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="134"/>
        <source>Saved visits are never changed: a correction is saved as a new record</source>
        <translation>已保存的走访记录不会被改动：更正将另存为一条新记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="138"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="162"/>
        <source>Visit not found</source>
        <translation>找不到该走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="169"/>
        <source>Visit: {address}</source>
        <translation>走访：{address}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="178"/>
        <source>Not synced yet</source>
        <translation>尚未同步</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/visit_detail.py" line="185"/>
        <source>Corrected %n time(s); the original was recorded on {when}.</source>
        <translation>
            <numerusform>已更正 %n 次；原记录的走访时间为 {when}。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="200"/>
        <source>(photo not downloaded yet)</source>
        <translation>（照片尚未下载）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_detail.py" line="223"/>
        <source>Saved: the correction is kept with the visit.</source>
        <translation>已保存：更正已随该走访记录保存。</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="94"/>
        <source>Record visit</source>
        <translation>登记走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="94"/>
        <source>Correct visit</source>
        <translation>更正走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="98"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="102"/>
        <source>What was talked about or seen</source>
        <translation>走访时了解、看到的情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="117"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="119"/>
        <source>Method</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="120"/>
        <source>Date and time (Beijing)</source>
        <translation>走访时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="121"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="122"/>
        <source>Needs</source>
        <translation>群众诉求</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="123"/>
        <source>Follow-up</source>
        <translation>后续跟进</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="124"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="126"/>
        <source>Save (Ctrl+Enter)</source>
        <translation>保存（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="130"/>
        <source>Save and next household</source>
        <translation>保存并走访下一户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="133"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="183"/>
        <source>Household not found</source>
        <translation>找不到该户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="185"/>
        <source>This household no longer exists (deleted or moved out of your area).</source>
        <translation>该户已不存在（已删除或已移出您的管辖范围）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="189"/>
        <source>Visit: {address}</source>
        <translation>走访：{address}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="195"/>
        <source>Correct the visit of {when}: {address}</source>
        <translation>更正 {when} 的走访：{address}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="232"/>
        <source>Discard visit</source>
        <translation>放弃走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="232"/>
        <source>Discard what you typed for this visit?</source>
        <translation>确定放弃本次走访已填写的内容吗？</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="247"/>
        <source>Enter what the visit was about.</source>
        <translation>请填写走访内容。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="273"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="284"/>
        <source>Nothing was changed; there is no correction to save.</source>
        <translation>内容没有改动，无需保存更正。</translation>
    </message>
</context>
<context>
    <name>VisitFilterBar</name>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="341"/>
        <source>All methods</source>
        <translation>全部方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="349"/>
        <source>Visited:</source>
        <translation>走访日期：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="351"/>
        <source>Method:</source>
        <translation>走访方式：</translation>
    </message>
</context>
<context>
    <name>_Bar</name>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="171"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/list_filters.py" line="172"/>
        <source>Show the whole list again</source>
        <translation>重新显示全部记录</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../gridclient/app.py" line="66"/>
        <source>Unexpected error</source>
        <translation>程序出错</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="74"/>
        <source>Something went wrong. Your saved data is safe. Please send the file {path} to your IT contact.</source>
        <translation>程序遇到意外错误。已保存的数据是安全的。请把文件 {path} 发给信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="120"/>
        <source>GridClient is already running</source>
        <extracomment>Exit status when the IT settings leave no server to connect to (EX_CONFIG).</extracomment>
        <translation>网格通已在运行</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="121"/>
        <source>GridClient is already using the data directory {path} on this computer. Only one GridClient at a time can use a data directory.</source>
        <translation>网格通正在使用本机的数据目录 {path}。一个数据目录同时只能由一个网格通使用。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="127"/>
        <source>Its window has been brought to the front: please continue there.</source>
        <translation>已切换到该窗口，请在那里继续。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="131"/>
        <source>Switch to the GridClient window that is already open (see the task bar), or wait until the command using this directory has finished, then try again.</source>
        <translation>请切换到已经打开的网格通窗口（见任务栏），或等使用该目录的命令结束后再试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="320"/>
        <location filename="../../gridclient/app.py" line="349"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="317"/>
        <source>Preparing the demo data…</source>
        <translation>正在准备演示数据…</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="350"/>
        <source>The demo could not start: {error}</source>
        <translation>演示模式无法启动：{error}</translation>
    </message>
</context>
<context>
    <name>conflicts</name>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="126"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="127"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="128"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="129"/>
        <source>Micro-grid</source>
        <translation>微网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="130"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="131"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="132"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="133"/>
        <location filename="../../gridclient/ui/conflicts.py" line="327"/>
        <location filename="../../gridclient/ui/conflicts.py" line="693"/>
        <source>Household</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="134"/>
        <location filename="../../gridclient/ui/conflicts.py" line="694"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="135"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="136"/>
        <source>Document type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="137"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="138"/>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="139"/>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="140"/>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="141"/>
        <source>Population type</source>
        <translation>人口类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="142"/>
        <source>Residence status</source>
        <translation>人户状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="143"/>
        <source>Disability category</source>
        <translation>残疾类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="144"/>
        <source>Disability grade</source>
        <translation>残疾等级</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="145"/>
        <source>Workplace or school</source>
        <translation>工作单位或学校</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="146"/>
        <source>Disability certificate no.</source>
        <translation>残疾证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="149"/>
        <source>Guardian</source>
        <translation>监护人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="150"/>
        <source>Guardian&apos;s phone</source>
        <translation>监护人电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="151"/>
        <source>Issuing body</source>
        <translation>填报单位</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="152"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="153"/>
        <location filename="../../gridclient/ui/conflicts.py" line="166"/>
        <source>Person in charge</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="154"/>
        <source>Members</source>
        <translation>成员人数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="155"/>
        <source>Area code</source>
        <translation>区划代码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="156"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="157"/>
        <source>Parent area</source>
        <translation>上级区划</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="169"/>
        <source>Program</source>
        <translation>帮扶项目</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="170"/>
        <source>Identified or granted on</source>
        <translation>识别或批准日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="171"/>
        <source>Cleared or stopped on</source>
        <translation>消除或终止日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="172"/>
        <source>Monitoring status</source>
        <translation>监测状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="173"/>
        <source>Risk type</source>
        <translation>风险类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="174"/>
        <source>Measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="175"/>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="176"/>
        <source>Approved by</source>
        <translation>审批单位或审批人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="196"/>
        <source>Mediation started on</source>
        <translation>开始调解日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="158"/>
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="159"/>
        <source>Mediation committee</source>
        <translation>调解组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="160"/>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="161"/>
        <source>Mediation sessions</source>
        <translation>调解经过</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="162"/>
        <source>Agreement text</source>
        <translation>协议内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="163"/>
        <source>Agreement form</source>
        <translation>协议形式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="164"/>
        <source>Mediation outcome</source>
        <translation>调解结果</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="165"/>
        <source>Follow-up</source>
        <translation>回访情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="167"/>
        <source>Risk level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="168"/>
        <source>Key place</source>
        <translation>重点场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="192"/>
        <source>Whole record (an edit and a deletion crossed)</source>
        <translation>整条记录（修改与删除冲突）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="220"/>
        <source>(deleted)</source>
        <translation>（已删除）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="228"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="240"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="242"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="316"/>
        <source>Decided, waiting for sync</source>
        <translation>已处理，等待同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="317"/>
        <source>To review</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="330"/>
        <source>(household not in this computer)</source>
        <translation>（本机没有该住户）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="335"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="337"/>
        <source>Field</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="341"/>
        <source>Reported</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="344"/>
        <location filename="../../gridclient/ui/conflicts.py" line="696"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="698"/>
        <source>Move requested, waiting for the township</source>
        <translation>已申请迁移，等待乡镇/街道处理</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="702"/>
        <source>To decide</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="706"/>
        <source>Server&apos;s answer</source>
        <translation>服务器答复</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="840"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="842"/>
        <source>Refused</source>
        <translation>被拒</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/conflicts.py" line="844"/>
        <source>To sync</source>
        <translation>待同步</translation>
    </message>
</context>
<context>
    <name>tables</name>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="163"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="164"/>
        <location filename="../../gridclient/ui/tables.py" line="203"/>
        <location filename="../../gridclient/ui/tables.py" line="225"/>
        <location filename="../../gridclient/ui/tables.py" line="265"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="165"/>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="166"/>
        <source>Residents</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="167"/>
        <source>Tags</source>
        <translation>标识</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="168"/>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="78"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="136"/>
        <source>Uploading</source>
        <translation>上传中</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="197"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="198"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="199"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="200"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="201"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="202"/>
        <location filename="../../gridclient/ui/tables.py" line="222"/>
        <location filename="../../gridclient/ui/tables.py" line="267"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="204"/>
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="219"/>
        <source>Organization</source>
        <translation>组织</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="220"/>
        <location filename="../../gridclient/ui/tables.py" line="263"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="221"/>
        <source>Leader</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="223"/>
        <source>Members</source>
        <translation>成员数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="224"/>
        <location filename="../../gridclient/ui/tables.py" line="242"/>
        <location filename="../../gridclient/ui/tables.py" line="264"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="241"/>
        <location filename="../../gridclient/ui/tables.py" line="284"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="243"/>
        <source>Patrolled by</source>
        <translation>巡查人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="244"/>
        <source>Route / places</source>
        <translation>路线/地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="245"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="246"/>
        <source>Events</source>
        <translation>上报事件数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="262"/>
        <source>Place</source>
        <translation>场所</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="266"/>
        <source>Person in charge</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="268"/>
        <source>Risk level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="269"/>
        <source>Last inspection</source>
        <translation>最近检查</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="285"/>
        <source>Household address</source>
        <translation>住户地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="286"/>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="287"/>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="288"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="311"/>
        <location filename="../../gridclient/ui/tables.py" line="364"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="323"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="324"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="325"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="326"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="327"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="328"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="329"/>
        <source>Deadline</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="668"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
</TS>
